import { HOUR_MS } from '../../common/time';
import { FOLDED_SPANS_METRIC, FOLDS_SCOPE } from './hourly-folds.service';

type Queryable = { query(sql: string, parameters?: unknown[]): Promise<Array<Record<string, string | Date | null>>> };

export interface FoldLag {
  /** Start of the newest folded hour, or null when none of the last two days is. */
  newestHour: Date | null;
  /** How far the newest folded hour is behind the newest closed hour: 0 when the folds are up to date. */
  lagSeconds: number;
}

/** Reads the newest folded hour (one index lookup on (name, timestamp)). Read-only: the fold job is not involved. */
export async function readFoldLag(db: Queryable, now: Date): Promise<FoldLag> {
  const lastClosed = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const [row] = await db.query(
    `SELECT max(start_timestamp)::text AS newest FROM observability_metrics
      WHERE name = '${FOLDED_SPANS_METRIC}' AND scope_name = '${FOLDS_SCOPE}' AND "timestamp" > $1 AND "timestamp" <= $2`,
    [new Date(lastClosed - 47 * HOUR_MS), new Date(lastClosed + HOUR_MS)],
  );
  const newestHour = row?.newest ? new Date(row.newest) : null;
  // Nothing folded in two days: as far behind as that.
  const behind = lastClosed - (newestHour ? newestHour.getTime() : lastClosed - 48 * HOUR_MS);
  return { newestHour, lagSeconds: Math.max(0, behind) / 1000 };
}
