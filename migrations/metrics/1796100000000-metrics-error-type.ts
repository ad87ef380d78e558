import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `error_type` on the five raw execution tables: the span's `error.type` (`tool_error`, an
 * exception class…) of a failed execution, for the per-entity error breakdown. Nullable,
 * so adding it rewrites nothing. The partial index on failures lets that breakdown read an
 * entity's failed rows of a window, and only those, through an index.
 */
const RAW = [
  ['tool_metrics', 'tool_id'],
  ['server_metrics', 'server_id'],
  ['resource_metrics', 'resource_id'],
  ['prompt_metrics', 'prompt_id'],
  ['a2a_agent_metrics', 'a2a_agent_id'],
] as const;

export class MetricsErrorType1796100000000 implements MigrationInterface {
  name = 'MetricsErrorType1796100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, idColumn] of RAW) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD COLUMN "error_type" varchar(255) NULL`);
      await queryRunner.query(`CREATE INDEX "ix_${table}_failures" ON "${table}" ("${idColumn}", "timestamp") WHERE NOT "is_success"`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table] of RAW) {
      await queryRunner.query(`DROP INDEX IF EXISTS "ix_${table}_failures"`);
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN IF EXISTS "error_type"`);
    }
  }
}
