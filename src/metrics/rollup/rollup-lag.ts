import { HOUR_MS } from '../../common/time';
import { METRIC_TABLES } from '../metric-tables';

type Queryable = { query(sql: string, parameters?: unknown[]): Promise<Array<Record<string, string | Date | null>>> };

export interface RollupLag {
  /** The hourly table. */
  table: string;
  /** Start of the newest rolled-up hour (up to date: not pending), or null when none is. */
  newestHour: Date | null;
  /**
   * How far the newest rolled-up hour is behind the newest closed hour that has raw rows:
   * 0 when the rollups are up to date (or there is nothing to roll up).
   */
  lagSeconds: number;
}

const tables = Object.values(METRIC_TABLES);

/**
 * Reads, for each hourly table, its newest hour and the newest closed hour of its raw table
 * (two index lookups per table, one statement). Read-only: the rollup job is not involved.
 */
export async function readRollupLag(db: Queryable, now: Date): Promise<RollupLag[]> {
  const columns = tables.map(
    // The trigger on raw rows creates pending rows ahead of the rollup: only computed hours count.
    (t, i) => `(SELECT max(hour_start) FROM "${t.hourly}" WHERE period = 'hour' AND pending_changes = 0)::text AS h${i},
               (SELECT max("timestamp") FROM "${t.raw}" WHERE "timestamp" < $1) AS r${i}`,
  );
  const hourStart = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const [row] = await db.query(`SELECT ${columns.join(', ')}`, [hourStart.toISOString()]);
  return tables.map((t, i) => {
    const newestHour = row[`h${i}`] ? new Date(row[`h${i}`]!) : null;
    const raw = row[`r${i}`] ? new Date(row[`r${i}`]!) : null;
    const closedWithData = raw ? Math.floor(raw.getTime() / HOUR_MS) * HOUR_MS : null;
    // Never rolled up: as far behind as the data is old.
    const behind = closedWithData === null ? 0 : newestHour ? closedWithData - newestHour.getTime() : now.getTime() - closedWithData;
    return { table: t.hourly, newestHour, lagSeconds: Math.max(0, behind) / 1000 };
  });
}
