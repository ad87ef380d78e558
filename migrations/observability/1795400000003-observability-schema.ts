import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 5 tables of the observability role: a self-contained FK cluster
 * (spans -> traces, spans -> parent span, events -> spans, metrics -> traces).
 * No FK to core: resource_id columns are soft references.
 */
export class ObservabilitySchema1795400000003 implements MigrationInterface {
  name = 'ObservabilitySchema1795400000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "observability_traces" (
      "trace_id" varchar(36) NOT NULL,
      "name" varchar(255) NOT NULL,
      "start_time" timestamptz NOT NULL,
      "end_time" timestamptz NULL,
      "duration_ms" double precision NULL,
      "status" varchar(20) NOT NULL DEFAULT 'unset',
      "status_message" text NULL,
      "http_method" varchar(10) NULL,
      "http_url" text NULL,
      "http_status_code" integer NULL,
      "user_email" varchar(255) NULL,
      "user_agent" text NULL,
      "ip_address" varchar(45) NULL,
      "attributes" jsonb NULL,
      "resource_attributes" jsonb NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_observability_traces" PRIMARY KEY ("trace_id"),
      CONSTRAINT "ck_observability_traces_status" CHECK ("status" IN ('unset', 'ok', 'error'))
    )`);
    await queryRunner.query(`CREATE INDEX "ix_observability_traces_start_time" ON "observability_traces" ("start_time")`);
    await queryRunner.query(
      `CREATE INDEX "ix_observability_traces_user_email_start_time" ON "observability_traces" ("user_email", "start_time")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_observability_traces_status_start_time" ON "observability_traces" ("status", "start_time")`);

    await queryRunner.query(`CREATE TABLE "observability_spans" (
      "span_id" varchar(36) NOT NULL,
      "trace_id" varchar(36) NOT NULL,
      "parent_span_id" varchar(36) NULL,
      "name" varchar(255) NOT NULL,
      "kind" varchar(20) NOT NULL DEFAULT 'internal',
      "start_time" timestamptz NOT NULL,
      "end_time" timestamptz NULL,
      "duration_ms" double precision NULL,
      "status" varchar(20) NOT NULL DEFAULT 'unset',
      "status_message" text NULL,
      "attributes" jsonb NULL,
      "resource_name" varchar(255) NULL,
      "resource_type" varchar(100) NULL,
      "resource_id" varchar(36) NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_observability_spans" PRIMARY KEY ("span_id"),
      CONSTRAINT "ck_observability_spans_status" CHECK ("status" IN ('unset', 'ok', 'error')),
      CONSTRAINT "fk_observability_spans_trace" FOREIGN KEY ("trace_id")
        REFERENCES "observability_traces" ("trace_id") ON DELETE CASCADE,
      CONSTRAINT "fk_observability_spans_parent" FOREIGN KEY ("parent_span_id")
        REFERENCES "observability_spans" ("span_id") ON DELETE CASCADE
    )`);
    await queryRunner.query(`CREATE INDEX "ix_observability_spans_trace_id" ON "observability_spans" ("trace_id")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_spans_parent_span_id" ON "observability_spans" ("parent_span_id")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_spans_start_time" ON "observability_spans" ("start_time")`);
    await queryRunner.query(
      `CREATE INDEX "ix_observability_spans_resource_type_resource_id" ON "observability_spans" ("resource_type", "resource_id")`,
    );

    await queryRunner.query(`CREATE TABLE "observability_events" (
      "id" uuid NOT NULL,
      "span_id" varchar(36) NOT NULL,
      "name" varchar(255) NOT NULL,
      "timestamp" timestamptz NOT NULL,
      "attributes" jsonb NULL,
      "severity" varchar(20) NULL,
      "message" text NULL,
      "exception_type" varchar(255) NULL,
      "exception_message" text NULL,
      "exception_stacktrace" text NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_observability_events" PRIMARY KEY ("id"),
      CONSTRAINT "fk_observability_events_span" FOREIGN KEY ("span_id")
        REFERENCES "observability_spans" ("span_id") ON DELETE CASCADE
    )`);
    await queryRunner.query(`CREATE INDEX "ix_observability_events_span_id" ON "observability_events" ("span_id")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_events_name_timestamp" ON "observability_events" ("name", "timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_events_timestamp" ON "observability_events" ("timestamp")`);

    await queryRunner.query(`CREATE TABLE "observability_metrics" (
      "id" uuid NOT NULL,
      "name" varchar(255) NOT NULL,
      "metric_type" varchar(20) NOT NULL,
      "value" double precision NOT NULL,
      "timestamp" timestamptz NOT NULL,
      "unit" varchar(50) NULL,
      "attributes" jsonb NULL,
      "resource_type" varchar(100) NULL,
      "resource_id" varchar(36) NULL,
      "trace_id" varchar(36) NULL,
      CONSTRAINT "pk_observability_metrics" PRIMARY KEY ("id"),
      CONSTRAINT "ck_observability_metrics_metric_type" CHECK ("metric_type" IN ('counter', 'gauge', 'histogram')),
      CONSTRAINT "fk_observability_metrics_trace" FOREIGN KEY ("trace_id")
        REFERENCES "observability_traces" ("trace_id") ON DELETE SET NULL
    )`);
    await queryRunner.query(`CREATE INDEX "ix_observability_metrics_name_timestamp" ON "observability_metrics" ("name", "timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_metrics_trace_id" ON "observability_metrics" ("trace_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_observability_metrics_resource_type_resource_id" ON "observability_metrics" ("resource_type", "resource_id")`,
    );

    await queryRunner.query(`CREATE TABLE "observability_saved_queries" (
      "id" varchar(36) NOT NULL,
      "name" varchar(255) NOT NULL,
      "description" text NULL,
      "user_email" varchar(255) NOT NULL,
      "filter_config" jsonb NOT NULL,
      "is_shared" boolean NOT NULL DEFAULT false,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      "last_used_at" timestamptz NULL,
      "use_count" integer NOT NULL DEFAULT 0,
      CONSTRAINT "pk_observability_saved_queries" PRIMARY KEY ("id")
    )`);
    await queryRunner.query(`CREATE INDEX "ix_observability_saved_queries_user_email" ON "observability_saved_queries" ("user_email")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "observability_saved_queries"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "observability_metrics"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "observability_events"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "observability_spans"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "observability_traces"`);
  }
}
