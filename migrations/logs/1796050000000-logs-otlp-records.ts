import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * structured_log_entries receives OTLP log records (POST /v1/logs) beside the service's own log
 * lines. The OTLP fields that have no column yet get one, so a record is kept whole: the body as
 * the AnyValue it was (jsonb: a string, a number, a map, an array), the severity number and text
 * as sent (the `level` column holds their mapping to the five levels the search filters on),
 * attributes and resource attributes, scope version (the scope name is `logger`), event name,
 * observed time and trace flags. trace_id gets an index: logs are searched by trace, and a
 * trace's page asks for its logs.
 */
export class LogsOtlpRecords1796050000000 implements MigrationInterface {
  name = 'LogsOtlpRecords1796050000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "structured_log_entries"
      ADD COLUMN "observed_timestamp" timestamptz NULL,
      ADD COLUMN "severity_number" smallint NULL,
      ADD COLUMN "severity_text" varchar(50) NULL,
      ADD COLUMN "body" jsonb NULL,
      ADD COLUMN "event_name" varchar(255) NULL,
      ADD COLUMN "scope_version" varchar(255) NULL,
      ADD COLUMN "attributes" jsonb NULL,
      ADD COLUMN "resource_attributes" jsonb NULL,
      ADD COLUMN "trace_flags" smallint NULL`);
    await queryRunner.query(
      `CREATE INDEX "ix_structured_log_entries_trace_id_timestamp" ON "structured_log_entries" ("trace_id", "timestamp")
         WHERE "trace_id" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_structured_log_entries_trace_id_timestamp"`);
    await queryRunner.query(`ALTER TABLE "structured_log_entries"
      DROP COLUMN "observed_timestamp", DROP COLUMN "severity_number", DROP COLUMN "severity_text", DROP COLUMN "body",
      DROP COLUMN "event_name", DROP COLUMN "scope_version", DROP COLUMN "attributes", DROP COLUMN "resource_attributes",
      DROP COLUMN "trace_flags"`);
  }
}
