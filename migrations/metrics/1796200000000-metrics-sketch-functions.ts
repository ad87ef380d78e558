import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Percentiles in plain SQL over the stored response-time sketches (issue 16), for psql and
 * Grafana's PostgreSQL data source, in SQL and PL/pgSQL only (PostgreSQL 15 to 18, no extension):
 *
 *   SELECT tool_name, fourfold_sketch_quantile(fourfold_sketch_merge(response_time_sketch), 0.95)
 *     FROM tool_metrics_hourly WHERE period = 'hour' AND hour_start >= now() - interval '4 hours' GROUP BY 1;
 *
 * - `fourfold_sketch_bins(sketch)`: the (key, count) bins of a stored sketch (format: a version
 *   byte 1, then int16 key + int32 count per bin, big-endian; src/metrics/sketch/response-time-sketch.ts).
 * - `fourfold_sketch_bin_value(key)`: the value (seconds) a bin stands for, for histograms and heatmaps.
 * - `fourfold_sketch_merge(sketch)`: aggregate; gathers the sketches (array_append keeps its
 *   state in place, so n rows cost O(n)) and sums their bins once at the end: a stored-form sketch.
 *   Parallel-safe (array_cat combines partial states).
 * - `fourfold_sketch_quantile(sketch, q)`: the q-quantile in percentile_cont's sense, as the
 *   service computes it: interpolated between the bins of the order statistics around rank
 *   q·(n - 1), each bin's value γ^k · 2/(1 + γ), clamped to the bins' bounds; within 1 % of the
 *   exact value whatever the distribution (α = 0.01, γ = (1 + α)/(1 - α)).
 *
 * The constants are those of α = 0.01, written out: this migration must not change once released.
 */
const LN_GAMMA = '0.020000666706669525';
const BIN_VALUE = '0.99000000000000010'; // 2 / (1 + γ)
const value = (key: string) => `(exp((${key})::float8 * ${LN_GAMMA}::float8) * ${BIN_VALUE}::float8)`;

const UP = [
  `CREATE OR REPLACE FUNCTION fourfold_sketch_bins(sketch bytea) RETURNS TABLE (key integer, count bigint)
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
     SELECT ((get_byte(sketch, o) << 8) | get_byte(sketch, o + 1)) - CASE WHEN get_byte(sketch, o) >= 128 THEN 65536 ELSE 0 END,
            (get_byte(sketch, o + 2)::bigint << 24) | (get_byte(sketch, o + 3) << 16) | (get_byte(sketch, o + 4) << 8) | get_byte(sketch, o + 5)
       FROM generate_series(1, length(sketch) - 6, 6) AS o
   $fn$`,
  `CREATE OR REPLACE FUNCTION fourfold_sketch_bin_value(key integer) RETURNS float8
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$ SELECT ${value('key')} $fn$`,
  `CREATE OR REPLACE FUNCTION fourfold_sketch_check(sketches bytea[]) RETURNS void
     LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
   BEGIN
     IF EXISTS (SELECT 1 FROM unnest(sketches) s WHERE s IS NOT NULL AND (length(s) < 1 OR get_byte(s, 0) <> 1 OR (length(s) - 1) % 6 <> 0)) THEN
       RAISE EXCEPTION 'not a fourfold response-time sketch (version 1: a version byte, then 6 bytes a bin)'
         USING ERRCODE = '22023';
     END IF;
   END $fn$`,
  `CREATE OR REPLACE FUNCTION fourfold_sketch_merge_final(sketches bytea[]) RETURNS bytea
     LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
   DECLARE merged bytea;
   BEGIN
     PERFORM fourfold_sketch_check(sketches);
     SELECT '\\x01'::bytea || string_agg(int2send(m.key::int2) || int4send(m.count::int4), ''::bytea ORDER BY m.key)
       INTO merged
       FROM (SELECT b.key, sum(b.count) AS count FROM unnest(sketches) s, LATERAL fourfold_sketch_bins(s) b GROUP BY b.key) m;
     RETURN merged;
   END $fn$`,
  `CREATE OR REPLACE AGGREGATE fourfold_sketch_merge(bytea) (
     SFUNC = array_append, STYPE = bytea[], FINALFUNC = fourfold_sketch_merge_final,
     COMBINEFUNC = array_cat, PARALLEL = SAFE)`,
  `CREATE OR REPLACE FUNCTION fourfold_sketch_quantile(sketch bytea, q float8) RETURNS float8
     LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
   DECLARE n bigint; lo integer; hi integer; rank float8; a float8; b float8; estimate float8;
   BEGIN
     IF q < 0 OR q > 1 OR q <> q THEN
       RAISE EXCEPTION 'quantile % is not between 0 and 1', q USING ERRCODE = '22023';
     END IF;
     PERFORM fourfold_sketch_check(ARRAY[sketch]);
     SELECT sum(count), min(key), max(key) INTO n, lo, hi FROM fourfold_sketch_bins(sketch);
     IF n IS NULL OR n = 0 THEN RETURN NULL; END IF;
     rank := q * (n - 1);
     SELECT min(c.key) FILTER (WHERE c.running > floor(rank)), min(c.key) FILTER (WHERE c.running > ceil(rank))
       INTO lo, hi
       FROM (SELECT g.key, sum(g.count) OVER (ORDER BY g.key) AS running
               FROM (SELECT key, sum(count) AS count FROM fourfold_sketch_bins(sketch) GROUP BY key) g) c;
     a := ${value('lo')};
     b := ${value('hi')};
     estimate := a + (rank - floor(rank)) * (b - a);
     SELECT greatest(least(estimate, ${value('max(key)')} / 0.99::float8), ${value('min(key)')} / 1.01::float8)
       INTO estimate FROM fourfold_sketch_bins(sketch);
     RETURN estimate;
   END $fn$`,
];

const DOWN = [
  `DROP FUNCTION IF EXISTS fourfold_sketch_quantile(bytea, float8)`,
  `DROP AGGREGATE IF EXISTS fourfold_sketch_merge(bytea)`,
  `DROP FUNCTION IF EXISTS fourfold_sketch_merge_final(bytea[])`,
  `DROP FUNCTION IF EXISTS fourfold_sketch_check(bytea[])`,
  `DROP FUNCTION IF EXISTS fourfold_sketch_bin_value(integer)`,
  `DROP FUNCTION IF EXISTS fourfold_sketch_bins(bytea)`,
];

export class MetricsSketchFunctions1796200000000 implements MigrationInterface {
  name = 'MetricsSketchFunctions1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) await queryRunner.query(sql);
  }
}
