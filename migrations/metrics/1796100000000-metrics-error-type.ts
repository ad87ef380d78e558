import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * On the five raw execution tables, for rows derived from spans (src/metrics/from-spans):
 * `error_type`, the span's `error.type` (`tool_error`, an exception class…) of a failed
 * execution, for the per-entity error breakdown; `trace_id` and `session_id` (MCP session),
 * which tie an execution to its trace and give the tool chains their sequences. Nullable, so
 * adding them rewrites nothing. The partial index on failures lets the breakdown read an
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
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD COLUMN "error_type" varchar(255) NULL, ADD COLUMN "trace_id" varchar(32) NULL, ADD COLUMN "session_id" varchar(255) NULL`,
      );
      await queryRunner.query(`CREATE INDEX "ix_${table}_failures" ON "${table}" ("${idColumn}", "timestamp") WHERE NOT "is_success"`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table] of RAW) {
      await queryRunner.query(`DROP INDEX IF EXISTS "ix_${table}_failures"`);
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "error_type", DROP COLUMN "trace_id", DROP COLUMN "session_id"`);
    }
  }
}
