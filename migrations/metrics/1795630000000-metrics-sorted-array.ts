import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `fourfold_sorted(float8[])`: the array in ascending order, for the rollup's exact
 * percentiles and the sketch built from the same values. PostgreSQL 18 has `array_sort`,
 * which sorts in memory and inlines; older servers (the README promises 15 and newer) get
 * the same answer from an ordered aggregate over the array. The body is chosen by the server
 * the migration runs on, so each role's database gets the one it can run.
 */
export class MetricsSortedArray1795630000000 implements MigrationInterface {
  name = 'MetricsSortedArray1795630000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const [{ version }] = (await queryRunner.query(`SELECT current_setting('server_version_num')::int AS version`)) as Array<{
      version: number;
    }>;
    const body = version >= 180000 ? 'SELECT array_sort($1)' : 'SELECT array_agg(x ORDER BY x) FROM unnest($1) AS x';
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION fourfold_sorted(float8[]) RETURNS float8[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ ${body} $$`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION IF EXISTS fourfold_sorted(float8[])`);
  }
}
