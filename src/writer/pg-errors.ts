/**
 * What a failed write means for the rows in it.
 *
 * - `data`: the rows themselves are wrong (SQLSTATE class 22 data exception, class 23
 *   integrity violation other than a duplicate key). Retrying cannot help; the writer
 *   isolates the offending rows and rejects them.
 * - `duplicate`: unique violation: some rows are already there (an earlier commit whose
 *   acknowledgement was lost). Written again through the ON CONFLICT DO NOTHING path.
 * - `unavailable`: anything else (connection refused or lost, server shutting down, too
 *   many connections, disk full, read-only standby after a failover, schema not there
 *   yet...). The rows are kept: spooled and replayed once the database answers.
 */
export type WriteFailure = 'data' | 'duplicate' | 'unavailable';

export function classifyWriteError(error: unknown): WriteFailure {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return 'unavailable';
  if (code === '23505') return 'duplicate';
  if (code.startsWith('22') || code.startsWith('23')) return 'data';
  return 'unavailable';
}

export function describeError(error: unknown): string {
  const e = error as { code?: string; message?: string } | null;
  const message = (e?.message ?? String(error)).replace(/postgres(ql)?:\/\/[^\s@]*@/gi, 'postgres://***@');
  return e?.code && /^[0-9A-Z]{5}$/.test(e.code) ? `${message} (SQLSTATE ${e.code})` : message;
}
