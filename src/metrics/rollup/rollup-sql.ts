import { MetricTable } from '../metric-tables';

/** Percentiles stored per hour, in the order of the p50..p99 columns. */
export const ROLLUP_PERCENTILES = [0.5, 0.9, 0.95, 0.99] as const;

/**
 * One statement that recomputes the hourly rows of every hour in [$1, $2) from the raw
 * rows and upserts them: running it twice gives the same rows (idempotent), and running
 * it again after late rows arrived counts them. Percentiles are percentile_cont over the
 * hour's raw response times. The name is the latest one seen in that hour.
 */
export function rollupSql(t: MetricTable): string {
  const extra = t.hasInteractionType ? ', interaction_type' : '';
  return `INSERT INTO "${t.hourly}" AS h (
      id, ${t.idColumn}, ${t.nameColumn}${extra}, hour_start, total_count, success_count, failure_count,
      min_response_time, max_response_time, avg_response_time,
      p50_response_time, p90_response_time, p95_response_time, p99_response_time, created_at, updated_at)
    SELECT gen_random_uuid(), entity_id, name${extra}, hour_start, total, ok, total - ok, mn, mx, av, p[1], p[2], p[3], p[4], now(), now()
    FROM (
      SELECT ${t.idColumn} AS entity_id${extra}, date_trunc('hour', "timestamp", 'UTC') AS hour_start,
        (array_agg(${t.nameColumn} ORDER BY "timestamp" DESC))[1] AS name,
        count(*)::int AS total, (count(*) FILTER (WHERE is_success))::int AS ok,
        min(response_time) AS mn, max(response_time) AS mx, avg(response_time) AS av,
        percentile_cont(ARRAY[${ROLLUP_PERCENTILES.join(', ')}]::float8[]) WITHIN GROUP (ORDER BY response_time) AS p
      FROM "${t.raw}"
      WHERE "timestamp" >= $1 AND "timestamp" < $2
      GROUP BY 1${t.hasInteractionType ? ', 2, 3' : ', 2'}
    ) s
    ON CONFLICT (${t.idColumn}${extra}, hour_start) DO UPDATE SET
      ${t.nameColumn} = EXCLUDED.${t.nameColumn},
      total_count = EXCLUDED.total_count, success_count = EXCLUDED.success_count, failure_count = EXCLUDED.failure_count,
      min_response_time = EXCLUDED.min_response_time, max_response_time = EXCLUDED.max_response_time,
      avg_response_time = EXCLUDED.avg_response_time, p50_response_time = EXCLUDED.p50_response_time,
      p90_response_time = EXCLUDED.p90_response_time, p95_response_time = EXCLUDED.p95_response_time,
      p99_response_time = EXCLUDED.p99_response_time, updated_at = now()`;
}
