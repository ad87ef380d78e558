import { KEY_MULTIPLIER, MAX_VALUE, MIN_VALUE, PERCENTILES, SKETCH_VERSION } from './response-time-sketch';

/**
 * The SQL side of response-time-sketch.ts: the same bins, built where the raw rows are.
 * Both sides share the constants of that file.
 */

/** The DDSketch key of a response time (seconds), as an int2. */
export const sketchKeySql = (value: string) =>
  `ceil(ln(least(greatest(${value}, ${MIN_VALUE}::float8), ${MAX_VALUE}::float8)) * ${KEY_MULTIPLIER}::float8)::int2`;

/** The stored sketch (bytea) of an array of response times. Bins in no particular order (merging does not need one). */
export const sketchOfArraySql = (values: string) =>
  `(SELECT '\\x${SKETCH_VERSION.toString(16).padStart(2, '0')}'::bytea || string_agg(int2send(b.k) || int4send(b.c), ''::bytea)
      FROM (SELECT ${sketchKeySql('x')} AS k, count(*)::int4 AS c FROM unnest(${values}) AS x GROUP BY 1) b)`;

/**
 * percentile_cont(q) of a sorted float8 array of `n` values, computed the way PostgreSQL
 * does (same rank, same interpolation, in float8), so it gives the same answer bit for bit
 * without sorting the rows again.
 */
export function sortedPercentileSql(sorted: string, n: string, q: number): string {
  const pos = `(${q}::float8 * (${n} - 1)::float8)`;
  const lo = `${sorted}[floor(${pos})::int + 1]`;
  const hi = `${sorted}[ceil(${pos})::int + 1]`;
  return `(${lo} + (${hi} - ${lo}) * (${pos} - floor(${pos})))`;
}

/** p50, p90, p95, p99 of a sorted array, as four select-list expressions named p50…p99. */
export const sortedPercentilesSql = (sorted: string, n: string) =>
  PERCENTILES.map((q) => `${sortedPercentileSql(sorted, n, q)} AS p${Math.round(q * 100)}`).join(', ');
