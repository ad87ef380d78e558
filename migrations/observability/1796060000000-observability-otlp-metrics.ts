import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * observability_metrics receives OTLP data points (POST /v1/metrics): one row per data point,
 * of any of the five OTLP metric types. Scalar columns for what a query filters or adds up
 * (value of a gauge or sum; count, sum, min, max of a distribution), one jsonb column for the
 * shape of a distribution (explicit bounds and counts, exponential scale and buckets, summary
 * quantiles), exemplars as jsonb (trace and span ids; the first exemplar's trace also in
 * trace_id, indexed). `series_id` is a hash of the series' identity (name, type, unit, resource,
 * scope, point attributes): a series' points are read together, a counter's rate computed over
 * them. The row id is a hash of the series and the point's times: a resent batch adds nothing.
 * The table stays partitioned by `timestamp` (migration 1795500000000), with the observability
 * retention.
 */
export class ObservabilityOtlpMetrics1796060000000 implements MigrationInterface {
  name = 'ObservabilityOtlpMetrics1796060000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "observability_metrics" DROP CONSTRAINT "ck_observability_metrics_metric_type"`);
    await queryRunner.query(`ALTER TABLE "observability_metrics" ALTER COLUMN "value" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "observability_metrics"
      ADD COLUMN "series_id" uuid NULL,
      ADD COLUMN "description" text NULL,
      ADD COLUMN "start_timestamp" timestamptz NULL,
      ADD COLUMN "temporality" varchar(12) NULL,
      ADD COLUMN "is_monotonic" boolean NULL,
      ADD COLUMN "count" bigint NULL,
      ADD COLUMN "sum" double precision NULL,
      ADD COLUMN "min" double precision NULL,
      ADD COLUMN "max" double precision NULL,
      ADD COLUMN "distribution" jsonb NULL,
      ADD COLUMN "exemplars" jsonb NULL,
      ADD COLUMN "flags" integer NULL,
      ADD COLUMN "service" varchar(255) NULL,
      ADD COLUMN "scope_name" varchar(255) NULL,
      ADD COLUMN "scope_version" varchar(255) NULL,
      ADD COLUMN "resource_attributes" jsonb NULL,
      ADD CONSTRAINT "ck_observability_metrics_metric_type"
        CHECK ("metric_type" IN ('counter', 'gauge', 'sum', 'histogram', 'exponential_histogram', 'summary')),
      ADD CONSTRAINT "ck_observability_metrics_temporality" CHECK ("temporality" IN ('delta', 'cumulative'))`);
    await queryRunner.query(
      `CREATE INDEX "ix_observability_metrics_series_id_timestamp" ON "observability_metrics" ("series_id", "timestamp")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_observability_metrics_series_id_timestamp"`);
    await queryRunner.query(`DELETE FROM "observability_metrics" WHERE "metric_type" NOT IN ('counter', 'gauge', 'histogram') OR "value" IS NULL`);
    await queryRunner.query(`ALTER TABLE "observability_metrics"
      DROP CONSTRAINT "ck_observability_metrics_temporality", DROP CONSTRAINT "ck_observability_metrics_metric_type",
      DROP COLUMN "series_id", DROP COLUMN "description", DROP COLUMN "start_timestamp", DROP COLUMN "temporality",
      DROP COLUMN "is_monotonic", DROP COLUMN "count", DROP COLUMN "sum", DROP COLUMN "min", DROP COLUMN "max",
      DROP COLUMN "distribution", DROP COLUMN "exemplars", DROP COLUMN "flags", DROP COLUMN "service",
      DROP COLUMN "scope_name", DROP COLUMN "scope_version", DROP COLUMN "resource_attributes"`);
    await queryRunner.query(`ALTER TABLE "observability_metrics" ALTER COLUMN "value" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "observability_metrics"
      ADD CONSTRAINT "ck_observability_metrics_metric_type" CHECK ("metric_type" IN ('counter', 'gauge', 'histogram'))`);
  }
}
