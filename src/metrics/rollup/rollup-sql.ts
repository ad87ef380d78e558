import { MetricTable } from '../metric-tables';
import { sketchOfArraySql, sortedPercentilesSql } from '../sketch/sketch-sql';
import { WEEK_ORIGIN } from '../time-range';
import type { DailyRow } from './daily-compaction';

/** The key of a rollup row besides period and hour_start: the entity (and, for A2A agents, the interaction type). */
export const keyColumns = (t: MetricTable): string[] => (t.hasInteractionType ? [t.idColumn, 'interaction_type'] : [t.idColumn]);

/** Closed hours with raw rows newer than their rollup row (or no rollup row yet), oldest first. */
export const pendingPeriodsSql = (t: MetricTable) =>
  `SELECT DISTINCT hour_start FROM "${t.hourly}" WHERE period = $1 AND pending_changes > 0 AND hour_start < $2 ORDER BY 1`;

/** Pending marks of periods whose sources are gone (raw or hourly rows expired): recomputing would lose data. */
export const clearExpiredPendingSql = (t: MetricTable) =>
  `UPDATE "${t.hourly}" SET pending_changes = 0 WHERE period = $1 AND pending_changes > 0 AND hour_start < $2`;

/**
 * Recomputes the hourly rows of the hours in $1 (timestamptz[]) from the raw rows, in one
 * statement. One pass per hour over the raw rows (index range scan, hash aggregate per
 * entity): no sort of all rows, no ordered aggregate over them. Percentiles are exact
 * (percentile_cont's answer, from the hour's values sorted per entity); the sketch is built
 * from the same sorted values. The name is the hour's only name or, when it changed within
 * the hour (rare), the name on the hour's latest row, found through the (entity, timestamp)
 * index.
 *
 * A row is written, and its pending_changes reset, only if pending_changes is still what the
 * computation saw in the same snapshot: a statement that added raw rows meanwhile bumped it,
 * and the row stays pending for the next run. Rows are written in key order, so that
 * concurrent writers' triggers and this never wait on each other in a cycle. Returns the
 * rows written (`written`).
 */
export function rollupHoursSql(t: MetricTable): string {
  const keys = keyColumns(t);
  const k = keys.join(', ');
  const byKey = keys.map((c) => `r.${c} = g.${c}`).join(' AND ');
  // hour_start = ANY(...) lets the planner reach the chunk's rows through the index instead of scanning the table.
  const match = `${keys.map((c) => `h.${c} = c.${c}`).join(' AND ')} AND h.period = 'hour' AND h.hour_start = c.hour_start
                 AND h.hour_start = ANY($1::timestamptz[])`;
  const extra = t.hasInteractionType ? ', interaction_type' : '';
  return `WITH computed AS (
      SELECT hr.h AS hour_start, ${keys.map((c) => `g.${c}`).join(', ')}, g.n, g.ok, g.mn, g.mx, g.sm / g.n AS av,
             CASE WHEN g.name_lo = g.name_hi THEN g.name_lo ELSE (
               SELECT r.${t.nameColumn} FROM "${t.raw}" r
                WHERE ${byKey} AND r."timestamp" >= hr.h AND r."timestamp" < hr.h + interval '1 hour'
                ORDER BY r."timestamp" DESC LIMIT 1) END AS name,
             ${sortedPercentilesSql('g.v', 'g.n')},
             ${sketchOfArraySql('g.v')} AS sketch
        FROM unnest($1::timestamptz[]) AS hr(h)
       CROSS JOIN LATERAL (
         SELECT ${k}, count(*) AS n, count(*) FILTER (WHERE is_success) AS ok,
                min(response_time) AS mn, max(response_time) AS mx, sum(response_time) AS sm,
                min(${t.nameColumn} COLLATE "C") AS name_lo, max(${t.nameColumn} COLLATE "C") AS name_hi,
                fourfold_sorted(array_agg(response_time)) AS v
           FROM "${t.raw}"
          WHERE "timestamp" >= hr.h AND "timestamp" < hr.h + interval '1 hour'
          GROUP BY ${k}
       ) g
    ), seen AS (
      SELECT ${k}, hour_start, pending_changes FROM "${t.hourly}" WHERE period = 'hour' AND hour_start = ANY($1::timestamptz[])
    ), chunk AS MATERIALIZED (
      SELECT ${keys.map((c) => `coalesce(c.${c}, s.${c}) AS ${c}`).join(', ')}, coalesce(c.hour_start, s.hour_start) AS hour_start,
             c.n, c.ok, c.mn, c.mx, c.av, c.name, c.p50, c.p90, c.p95, c.p99, c.sketch,
             s.pending_changes AS seen, c.n IS NOT NULL AS has_rows
        FROM computed c FULL JOIN seen s ON ${keys.map((c) => `c.${c} = s.${c}`).join(' AND ')} AND c.hour_start = s.hour_start
    ), updated AS (
      UPDATE "${t.hourly}" h SET ${t.nameColumn} = c.name, total_count = c.n, success_count = c.ok, failure_count = c.n - c.ok,
             min_response_time = c.mn, max_response_time = c.mx, avg_response_time = c.av,
             p50_response_time = c.p50, p90_response_time = c.p90, p95_response_time = c.p95, p99_response_time = c.p99,
             response_time_sketch = c.sketch, pending_changes = 0, updated_at = now()
        FROM (SELECT * FROM chunk WHERE has_rows AND seen IS NOT NULL ORDER BY ${k}, hour_start) c
       WHERE ${match} AND h.pending_changes = c.seen
      RETURNING 1
    ), cleared AS (
      -- Marked, but no raw rows left for it (their partition expired): keep the row as it is.
      UPDATE "${t.hourly}" h SET pending_changes = 0
        FROM chunk c WHERE NOT c.has_rows AND ${match} AND h.pending_changes = c.seen
      RETURNING 1
    ), inserted AS (
      INSERT INTO "${t.hourly}" (id, ${t.idColumn}, ${t.nameColumn}${extra}, period, hour_start, total_count, success_count, failure_count,
             min_response_time, max_response_time, avg_response_time, p50_response_time, p90_response_time, p95_response_time,
             p99_response_time, response_time_sketch, pending_changes)
      SELECT gen_random_uuid(), ${t.idColumn}, name${extra}, 'hour', hour_start, n, ok, n - ok, mn, mx, av, p50, p90, p95, p99, sketch, 0
        FROM chunk WHERE has_rows AND seen IS NULL ORDER BY ${k}, hour_start
      ON CONFLICT (${k}, period, hour_start) DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM updated)::int + (SELECT count(*) FROM inserted)::int AS written`;
}

/**
 * The inputs of the daily rows of the days in $1: each pending day row (its pending_changes
 * as seen) with the hourly rows of its day, in one snapshot.
 */
export function compactionInputSql(t: MetricTable): string {
  const keys = keyColumns(t);
  return `SELECT ${keys.map((c) => `d.${c}`).join(', ')}, d.hour_start AS day, d.pending_changes AS seen,
                 h.${t.nameColumn} AS name, h.hour_start, h.total_count, h.success_count, h.min_response_time, h.max_response_time,
                 h.avg_response_time, h.response_time_sketch, h.pending_changes AS hour_pending
            FROM "${t.hourly}" d
            LEFT JOIN "${t.hourly}" h ON ${keys.map((c) => `h.${c} = d.${c}`).join(' AND ')} AND h.period = 'hour'
                 AND h.hour_start >= d.hour_start AND h.hour_start < d.hour_start + interval '1 day'
           WHERE d.period = 'day' AND d.pending_changes > 0 AND d.hour_start = ANY($1::timestamptz[])
           ORDER BY ${keys.map((c) => `d.${c}`).join(', ')}, d.hour_start, h.hour_start`;
}

/** The compacted rows (DailyRow, as parallel arrays: compactionParams) as a relation `v`. */
function compactedRows(t: MetricTable): string {
  const keys = keyColumns(t);
  const n = keys.length;
  const arg = (i: number, type: string) => `$${n + i}::${type}[]`;
  return `unnest(${keys.map((c, i) => `$${i + 1}::text[]`).join(', ')}, ${arg(1, 'timestamptz')}, ${arg(2, 'int')}, ${arg(3, 'text')}, ${arg(4, 'int')},
                 ${arg(5, 'int')}, ${arg(6, 'float8')}, ${arg(7, 'float8')}, ${arg(8, 'float8')}, ${arg(9, 'float8')}, ${arg(10, 'float8')},
                 ${arg(11, 'float8')}, ${arg(12, 'float8')}, ${arg(13, 'bytea')})
          AS v(${keys.map((c) => `k_${c}`).join(', ')}, day, seen, name, total, ok, mn, mx, av, p50, p90, p95, p99, sketch)`;
}

/** The parameters of compactionApplySql and weekApplySql. */
export function compactionParams(t: MetricTable, rows: DailyRow[]): unknown[] {
  return [
    ...keyColumns(t).map((_, i) => rows.map((d) => d.key[i])),
    rows.map((d) => d.day),
    rows.map((d) => d.seen),
    rows.map((d) => d.name),
    rows.map((d) => d.total),
    rows.map((d) => d.ok),
    rows.map((d) => d.min),
    rows.map((d) => d.max),
    rows.map((d) => d.avg),
    ...[0, 1, 2, 3].map((p) => rows.map((d) => d.percentiles[p])),
    rows.map((d) => d.sketch),
  ];
}

/** Writes daily rows from parallel arrays, under the same pending_changes check as the hourly rows. */
export function compactionApplySql(t: MetricTable): string {
  const keys = keyColumns(t);
  return `UPDATE "${t.hourly}" d SET ${t.nameColumn} = v.name, total_count = v.total, success_count = v.ok, failure_count = v.total - v.ok,
            min_response_time = v.mn, max_response_time = v.mx, avg_response_time = v.av,
            p50_response_time = v.p50, p90_response_time = v.p90, p95_response_time = v.p95, p99_response_time = v.p99,
            response_time_sketch = v.sketch, pending_changes = 0, updated_at = now()
       FROM ${compactedRows(t)}
      WHERE ${keys.map((c) => `d.${c} = v.k_${c}`).join(' AND ')} AND d.period = 'day' AND d.hour_start = v.day AND d.pending_changes = v.seen`;
}

/** The week (its Monday, UTC) of a timestamptz expression. */
export const weekOfSql = (at: string) => `date_bin('7 days', ${at}, timestamptz '${WEEK_ORIGIN}')`;

/**
 * Whether weekly row `w` is up to date: none of its days is pending, none was rewritten after
 * it. Readers use a weekly row only then, and not pending itself (partition maintenance marks every
 * row of a range it moved rows into), and its daily rows otherwise; no trigger marks weeks.
 */
export function weekIsCurrentSql(t: MetricTable, w: string): string {
  return `NOT EXISTS (SELECT 1 FROM "${t.hourly}" wd
             WHERE ${keyColumns(t)
               .map((c) => `wd.${c} = ${w}.${c}`)
               .join(' AND ')} AND wd.period = 'day'
               AND wd.hour_start >= ${w}.hour_start AND wd.hour_start < ${w}.hour_start + interval '7 days'
               AND (wd.pending_changes > 0 OR wd.updated_at > ${w}.updated_at))`;
}

/**
 * The weekly rows to (re)build among the weeks starting in [from, to): per entity and week with
 * daily rows, none of them pending, and no weekly row (not pending) as new as its newest day.
 * A CTE `todo` of (keys, week, newest).
 */
function weeksToBuildCte(t: MetricTable, from: string, to: string): string {
  const keys = keyColumns(t);
  const on = (a: string, b: string) => keys.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');
  const dk = keys.map((c) => `d.${c}`).join(', ');
  return `days AS (
      SELECT ${dk}, ${weekOfSql('d.hour_start')} AS week, max(d.updated_at) AS newest
        FROM "${t.hourly}" d
       WHERE d.period = 'day' AND d.hour_start >= ${from} AND d.hour_start < ${to}
       GROUP BY ${dk}, ${weekOfSql('d.hour_start')}
      HAVING bool_and(d.pending_changes = 0)
    ), todo AS (
      SELECT g.* FROM days g
       WHERE NOT EXISTS (SELECT 1 FROM "${t.hourly}" x WHERE ${on('x', 'g')} AND x.period = 'week' AND x.hour_start = g.week
                           AND x.pending_changes = 0 AND x.updated_at >= g.newest)
    )`;
}

/** The weeks within [$1, $2) (both Mondays) that have weekly rows to (re)build, in order. */
export function weeksToBuildSql(t: MetricTable): string {
  return `WITH ${weeksToBuildCte(t, '$1', '$2')}
    SELECT DISTINCT week FROM todo ORDER BY week`;
}

/**
 * The inputs of the weekly rows to (re)build for the week starting at $1 (weeksToBuildCte): their
 * daily rows, in compactDays' input shape (the week as `day`, each day as an hour).
 */
export function weekInputSql(t: MetricTable): string {
  const keys = keyColumns(t);
  const on = (a: string, b: string) => keys.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');
  return `WITH ${weeksToBuildCte(t, '$1', "$1::timestamptz + interval '7 days'")}
    SELECT ${keys.map((c) => `g.${c}`).join(', ')}, $1::timestamptz AS day, 0 AS seen, d.${t.nameColumn} AS name, d.hour_start,
           d.total_count, d.success_count, d.min_response_time, d.max_response_time, d.avg_response_time, d.response_time_sketch,
           d.pending_changes AS hour_pending
      FROM todo g JOIN "${t.hourly}" d ON ${on('d', 'g')} AND d.period = 'day'
           AND d.hour_start >= $1 AND d.hour_start < $1::timestamptz + interval '7 days'
     ORDER BY ${keys.map((c) => `g.${c}`).join(', ')}, d.hour_start`;
}

/** Writes weekly rows (inserted, or replaced in place), updated_at now: newer than the days they merge. */
export function weekApplySql(t: MetricTable): string {
  const keys = keyColumns(t);
  const k = keys.join(', ');
  const set = ['total_count', 'success_count', 'failure_count', 'min_response_time', 'max_response_time', 'avg_response_time']
    .concat(['p50_response_time', 'p90_response_time', 'p95_response_time', 'p99_response_time', 'response_time_sketch'])
    .map((c) => `${c} = EXCLUDED.${c}`);
  return `INSERT INTO "${t.hourly}" (id, ${k}, ${t.nameColumn}, period, hour_start, total_count, success_count, failure_count,
            min_response_time, max_response_time, avg_response_time, p50_response_time, p90_response_time, p95_response_time,
            p99_response_time, response_time_sketch, pending_changes)
     SELECT gen_random_uuid(), ${keys.map((c) => `v.k_${c}`).join(', ')}, v.name, 'week', v.day, v.total, v.ok, v.total - v.ok,
            v.mn, v.mx, v.av, v.p50, v.p90, v.p95, v.p99, v.sketch, 0
       FROM ${compactedRows(t)}
      ORDER BY ${keys.map((c) => `v.k_${c}`).join(', ')}
     ON CONFLICT (${k}, period, hour_start) DO UPDATE SET ${t.nameColumn} = EXCLUDED.${t.nameColumn}, ${set.join(', ')},
           pending_changes = 0, updated_at = now()`;
}

/** Deletes at most $3 rows of one period older than $2 (retention, in bounded batches). */
export const expireRollupsSql = (t: MetricTable) =>
  `DELETE FROM "${t.hourly}" WHERE id IN (SELECT id FROM "${t.hourly}" WHERE period = $1 AND hour_start < $2 LIMIT $3)`;
