import { classifyWriteError } from '../common/pg-errors';
import type { OnConflict } from './copy-transaction';

/** Writes `rows` in one transaction, or throws the database's error. */
export type WriteRows<T> = (rows: T[], onConflict: OnConflict) => Promise<void>;

export interface Isolation<T> {
  /** Rows not written because the database became unavailable, in order: for the spool. Empty when all were written or rejected. */
  left: T[];
  /** The error that showed the database unavailable, when rows are left. */
  cause?: unknown;
  /** Rows the database refused as invalid, each with its error. */
  rejected: Array<{ row: T; error: unknown }>;
}

/**
 * Writes `rows`; when the database rejects them as invalid data, halves the batch until
 * the bad rows are isolated, so their neighbours are written and only they are rejected.
 * A duplicate key under `onConflict: 'fail'` (an earlier commit whose acknowledgement was
 * lost) writes the same rows again with 'skip'; under 'skip' it is the rows' own fault
 * (another unique constraint) and counts as invalid data. Stops at the first sign that
 * the database is unavailable and hands back every row not written yet.
 */
export async function isolateBadRows<T>(rows: T[], write: WriteRows<T>, onConflict: OnConflict): Promise<Isolation<T>> {
  const rejected: Isolation<T>['rejected'] = [];

  async function attempt(part: T[], onConflict: OnConflict): Promise<Omit<Isolation<T>, 'rejected'>> {
    try {
      await write(part, onConflict);
      return { left: [] };
    } catch (error) {
      const failure = classifyWriteError(error);
      if (failure === 'duplicate' && onConflict === 'fail') return attempt(part, 'skip');
      if (failure === 'unavailable') return { left: part, cause: error };
      if (part.length <= 1) {
        rejected.push(...part.map((row) => ({ row, error })));
        return { left: [] };
      }
      const half = part.length >> 1;
      const first = await attempt(part.slice(0, half), onConflict);
      if (first.left.length > 0) return { left: first.left.concat(part.slice(half)), cause: first.cause };
      return attempt(part.slice(half), onConflict);
    }
  }

  return { ...(await attempt(rows, onConflict)), rejected };
}
