import { SQLSTATE, sqlState } from '../common/pg-errors';
import { MIGRATIONS_TABLE } from '../database/migration-runner';
import { OptionalRole } from '../database/roles';
import { ident } from '../partitioning/partition-catalog';
import { orderByReferences, TableShape } from './move-catalog';
import { MoveRefused } from './move-preflight';
import { MoveSession } from './move-session';
import { VerifyRow } from './verify-report';

/**
 * Drops the moved role's tables (and only those) from the source, in one transaction that
 * first locks them against writes and verifies under that lock: a row written to the source
 * after the verify cannot be lost. The role's rows leave the source's migration history too,
 * so that moving the role back later migrates it there again. Nothing is dropped unless every
 * unit matches.
 */
export async function dropRoleTables(
  source: MoveSession,
  role: OptionalRole,
  shapes: TableShape[],
  lockTimeoutMs: number,
  verify: () => Promise<VerifyRow[]>,
): Promise<{ dropped: string[] } | { mismatches: VerifyRow[] }> {
  const ordered = orderByReferences(shapes);
  await source.query('BEGIN');
  try {
    await source.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
    try {
      await source.query(`LOCK TABLE ${ordered.map((s) => ident(s.table)).join(', ')} IN EXCLUSIVE MODE`);
    } catch (error) {
      if (sqlState(error) !== SQLSTATE.lockNotAvailable) throw error;
      throw new MoveRefused(
        `the source's ${role} tables are still in use (a lock was not granted within ${lockTimeoutMs} ms): ` +
          `restart every fourfold instance with the new configuration before --drop-source`,
      );
    }
    const rows = await verify();
    const mismatches = rows.filter((r) => !r.ok);
    if (mismatches.length) {
      await source.query('ROLLBACK');
      return { mismatches };
    }
    const dropped: string[] = [];
    for (const shape of [...ordered].reverse()) {
      await source.query(`DROP TABLE ${ident(shape.table)}`);
      dropped.push(shape.table);
    }
    await source.query(`DELETE FROM ${ident(MIGRATIONS_TABLE)} WHERE role = $1`, [role]);
    await source.query('COMMIT');
    return { dropped };
  } catch (error) {
    await source.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
