import { MetricTable } from '../metric-tables';
import { keyColumns, weekIsCurrentSql } from '../rollup/rollup-sql';
import { sketchOfArraySql, sortedPercentilesSql } from '../sketch/sketch-sql';

/**
 * SQL of the metrics queries. Ranges are passed as two parallel timestamptz arrays of
 * starts and ends (half-open), so one statement reads any number of them.
 */

export type RawGroup = 'none' | 'hour' | 'day' | 'entity';

const RANGES = (starts: number, ends: number) => `unnest($${starts}::timestamptz[], $${ends}::timestamptz[]) AS g(s, e)`;

/**
 * Rollup rows of one period within ranges ($2, $3 when `entity`, else $1, $2), of some
 * entities ($1, an array) or of all of them. The sketch only when asked for (it is the bulk
 * of a row).
 */
const rollupColumns = (t: MetricTable, r: string, sketch: boolean) =>
  `${r}.${t.idColumn} AS id, ${r}.${t.nameColumn} AS name, ${r}.period, ${r}.hour_start, ${r}.total_count, ${r}.failure_count,
   ${r}.min_response_time, ${r}.max_response_time, ${r}.avg_response_time,
   ${r}.p50_response_time, ${r}.p90_response_time, ${r}.p95_response_time, ${r}.p99_response_time,
   ${r}.pending_changes${sketch ? `, ${r}.response_time_sketch` : ''}`;

export function rollupRowsSql(t: MetricTable, options: { entity: boolean; sketch: boolean; period: 'hour' | 'day' }): string {
  const first = options.entity ? 2 : 1;
  return `SELECT ${rollupColumns(t, 'r', options.sketch)}
            FROM ${RANGES(first, first + 1)}
           CROSS JOIN LATERAL (
             -- OFFSET 0 keeps this a scan per range through the index (flattened, the planner would scan the table).
             SELECT * FROM "${t.hourly}" h
              WHERE h.period = '${options.period}' AND h.hour_start >= g.s AND h.hour_start < g.e${options.entity ? ` AND h.${t.idColumn} = ANY($1::varchar[])` : ''}
             OFFSET 0) r`;
}

/**
 * The rows that answer whole closed days [$2, $3) ($1, $2 without `entity`): each entity's up-to-date
 * weekly rows for the weeks in [$4, $5) ($3, $4), and its daily rows for every other day of the
 * span. A weekly row whose days changed since it was built is not used: its days are (a stale day
 * among them then shows as pending, as without weeks).
 */
export function dayAndWeekRowsSql(t: MetricTable, options: { entity: boolean; sketch: boolean }): string {
  const a = options.entity ? 2 : 1;
  const ids = (r: string) => (options.entity ? ` AND ${r}.${t.idColumn} = ANY($1::varchar[])` : '');
  const sameKey = keyColumns(t)
    .map((c) => `w.${c} = d.${c}`)
    .join(' AND ');
  return `WITH weeks AS MATERIALIZED (
      SELECT w.* FROM "${t.hourly}" w
       WHERE w.period = 'week' AND w.hour_start >= $${a + 2} AND w.hour_start < $${a + 3}${ids('w')}
         AND w.pending_changes = 0 AND ${weekIsCurrentSql(t, 'w')}
    )
    SELECT ${rollupColumns(t, 'w', options.sketch)} FROM weeks w
    UNION ALL
    SELECT ${rollupColumns(t, 'd', options.sketch)} FROM "${t.hourly}" d
     WHERE d.period = 'day' AND d.hour_start >= $${a} AND d.hour_start < $${a + 1}${ids('d')}
       AND NOT EXISTS (SELECT 1 FROM weeks w WHERE ${sameKey} AND d.hour_start >= w.hour_start AND d.hour_start < w.hour_start + interval '7 days')`;
}

/** The name on an entity's latest row (x.grp at x.last_at): only looked up when it changed within the range. */
const latestName = (t: MetricTable) =>
  `SELECT l.${t.nameColumn} FROM "${t.raw}" l WHERE l.${t.idColumn} = x.grp AND l."timestamp" = x.last_at LIMIT 1`;

/**
 * Aggregates of the raw rows within ranges, grouped by nothing, hour, day or entity: count,
 * failures, min, max, sum, exact percentiles (percentile_cont's answer, from the sorted
 * values) and, when asked, the sketch of the same values so that they merge with rollups.
 * Some entities ($1, an array; ranges $2 $3) or all (ranges $1 $2).
 */
export function rawAggregateSql(
  t: MetricTable,
  options: { entity: boolean; group: RawGroup; percentiles: boolean; sketch: boolean },
): string {
  const first = options.entity ? 2 : 1;
  const group =
    options.group === 'none'
      ? null
      : options.group === 'entity'
        ? `r.${t.idColumn}`
        : `date_bin('1 ${options.group}', r."timestamp", 'epoch')`;
  const byEntity = options.group === 'entity';
  const values = options.percentiles || options.sketch;
  const derived = [
    byEntity ? `CASE WHEN x.name_lo = x.name_hi THEN x.name_lo ELSE (${latestName(t)}) END AS name` : null,
    options.percentiles ? sortedPercentilesSql('x.v', 'x.n') : null,
    options.sketch ? `${sketchOfArraySql('x.v')} AS sketch` : null,
  ].filter(Boolean);
  return `SELECT ${group ? 'x.grp, ' : ''}x.n, x.failures, x.mn, x.mx, x.sm, x.last_at${derived.map((d) => `, ${d}`).join('')}
            FROM (
              SELECT ${group ? `${group} AS grp, ` : ''}count(*) AS n, count(*) FILTER (WHERE NOT r.is_success) AS failures,
                     min(r.response_time) AS mn, max(r.response_time) AS mx, sum(r.response_time) AS sm, max(r."timestamp") AS last_at,
                     ${byEntity ? `min(r.${t.nameColumn} COLLATE "C") AS name_lo, max(r.${t.nameColumn} COLLATE "C") AS name_hi,` : ''}
                     ${values ? 'fourfold_sorted(array_agg(r.response_time))' : 'NULL::float8[]'} AS v
                FROM ${RANGES(first, first + 1)}
               CROSS JOIN LATERAL (
                 SELECT * FROM "${t.raw}" row
                  WHERE row."timestamp" >= g.s AND row."timestamp" < g.e${options.entity ? ` AND row.${t.idColumn} = ANY($1::varchar[])` : ''}
                 OFFSET 0) r
               ${group ? 'GROUP BY 1' : ''}
            ) x
           WHERE x.n > 0`;
}

/** The latest raw row of one entity within [$2, $3): last execution and the name it carried. */
export const lastExecutionSql = (t: MetricTable) =>
  `SELECT "timestamp", ${t.nameColumn} AS name FROM "${t.raw}"
    WHERE ${t.idColumn} = $1 AND "timestamp" >= $2 AND "timestamp" < $3 ORDER BY "timestamp" DESC LIMIT 1`;

/** percentile_cont per bucket over raw rows only (exact=true), as before rollups answered. */
export const exactSeriesSql = (t: MetricTable, bucket: 'hour' | 'day') =>
  `SELECT date_bin('1 ${bucket}', "timestamp", 'epoch') AS grp, count(*) AS n, count(*) FILTER (WHERE NOT is_success) AS failures,
          percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY response_time) AS p
     FROM "${t.raw}" WHERE ${t.idColumn} = $1 AND "timestamp" >= $2 AND "timestamp" < $3
    GROUP BY 1 ORDER BY 1`;

/** The oldest raw row: raw rows are complete from there on (older partitions expired). */
export const rawFloorSql = (t: MetricTable) => `SELECT min("timestamp") AS floor FROM "${t.raw}"`;
