import { SQLSTATE, sqlState } from '../common/pg-errors';
import { MIGRATIONS_TABLE } from '../database/migration-runner';
import { OptionalRole } from '../database/roles';
import { ident } from '../partitioning/partition-catalog';
import { orderByReferences, TableShape } from './move-catalog';
import { MoveRefused } from './move-preflight';
import { MoveSession } from './move-session';
import { VerifyRow } from './verify-report';

export interface DropOptions {
  role: OptionalRole;
  shapes: TableShape[];
  /** Names of the role's SQL functions (RoleDefinition.functions). */
  functions: string[];
  lockTimeoutMs: number;
}

/**
 * The role's functions in the source's schema, every overload: trigger functions are dropped
 * after the tables (their triggers go with them), the others before (they may take or return
 * a table's row type).
 */
async function roleFunctions(source: MoveSession, names: string[]): Promise<{ before: string[]; after: string[] }> {
  const rows: Array<{ signature: string; trigger: boolean }> = await source.query(
    `SELECT p.oid::regprocedure::text AS signature, p.prorettype = 'trigger'::regtype AS trigger
       FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace AND p.proname = ANY($1)
      ORDER BY p.prokind <> 'a', 1`,
    [names],
  );
  return { before: rows.filter((r) => !r.trigger).map((r) => r.signature), after: rows.filter((r) => r.trigger).map((r) => r.signature) };
}

/**
 * Drops the moved role's tables and functions (and only those) from the source, in one
 * transaction that first locks the tables against writes and verifies under that lock: a row
 * written to the source after the verify cannot be lost. The role's rows leave the source's
 * migration history too, so that moving the role back later migrates it there again (which is
 * why its functions go as well). Nothing is dropped unless every unit matches.
 */
export async function dropRoleTables(
  source: MoveSession,
  { role, shapes, functions, lockTimeoutMs }: DropOptions,
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
    const routines = await roleFunctions(source, functions);
    // DROP ROUTINE: aggregates too (listed first, before the functions they are made of).
    for (const signature of routines.before) await source.query(`DROP ROUTINE ${signature}`);
    for (const shape of [...ordered].reverse()) {
      await source.query(`DROP TABLE ${ident(shape.table)}`);
      dropped.push(shape.table);
    }
    for (const signature of routines.after) await source.query(`DROP FUNCTION ${signature}`);
    await source.query(`DELETE FROM ${ident(MIGRATIONS_TABLE)} WHERE role = $1`, [role]);
    await source.query('COMMIT');
    return { dropped };
  } catch (error) {
    await source.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
