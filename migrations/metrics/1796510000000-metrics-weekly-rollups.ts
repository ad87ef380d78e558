import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Weekly rollup rows (`period = 'week'`, `hour_start` = the Monday 00:00 UTC the week starts):
 * each entity's seven daily rows merged, so that a 30-day read merges about 4 weekly sketches
 * and a few daily ones per entity instead of 29 daily ones (BENCHMARKS.md: the 30-day top-10
 * by p99). A weekly row is built by the rollup job from daily rows and is used only while none
 * of its days is pending or was rewritten after it (`updated_at`): no trigger marks it.
 *
 * The table names are written out here: this migration must not change once released.
 */
const HOURLY_TABLES = [
  'tool_metrics_hourly',
  'server_metrics_hourly',
  'resource_metrics_hourly',
  'prompt_metrics_hourly',
  'a2a_agent_metrics_hourly',
];

export class MetricsWeeklyRollups1796510000000 implements MigrationInterface {
  name = 'MetricsWeeklyRollups1796510000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of HOURLY_TABLES)
      await queryRunner.query(
        `ALTER TABLE "${table}" DROP CONSTRAINT "ck_${table}_period", ADD CONSTRAINT "ck_${table}_period" CHECK ("period" IN ('hour', 'day', 'week'))`,
      );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of HOURLY_TABLES) {
      await queryRunner.query(`DELETE FROM "${table}" WHERE period = 'week'`);
      await queryRunner.query(
        `ALTER TABLE "${table}" DROP CONSTRAINT "ck_${table}_period", ADD CONSTRAINT "ck_${table}_period" CHECK ("period" IN ('hour', 'day'))`,
      );
    }
  }
}
