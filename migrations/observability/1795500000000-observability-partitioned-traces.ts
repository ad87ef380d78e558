import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reshapes the four high-volume observability tables (empty until traces were ingested) for
 * OTLP ingest: each is `PARTITION BY RANGE` on its time column with a DEFAULT partition, its
 * primary key includes that column, and the seed schema's foreign keys are gone:
 *
 * - spans arrive in any order (children before parents, before the root, in other requests),
 *   and a foreign key into a partitioned table would have to name the time column of the row
 *   it points at, which a child does not know. `trace_id` and `parent_span_id` are plain,
 *   indexed values; the summary row is kept by the trigger below.
 * - events and metrics carry `trace_id` (and events `span_id`) the same way: retention drops
 *   each table's partitions on its own, with no cascade to wait for.
 *
 * observability_traces holds one summary row per trace, partitioned by the trace's start
 * (the earliest span seen). It is maintained by a statement-level trigger on
 * observability_spans that merges, in the same transaction as the COPY, the spans the
 * statement really inserted (duplicates skipped by the primary key never reach it):
 * every field is a commutative merge (least, greatest, sums, set union, the root span once
 * it arrives), so the row is the same whatever order and batches the spans came in.
 */
export class ObservabilityPartitionedTraces1795500000000 implements MigrationInterface {
  name = 'ObservabilityPartitionedTraces1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['observability_metrics', 'observability_events', 'observability_spans', 'observability_traces']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }

    await queryRunner.query(`CREATE TABLE "observability_traces" (
      "trace_id" varchar(36) NOT NULL,
      "start_time" timestamptz NOT NULL,
      "name" varchar(255) NULL,
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
      "root_span_id" varchar(36) NULL,
      "root_service" varchar(255) NULL,
      "span_count" integer NOT NULL DEFAULT 0,
      "error_count" integer NOT NULL DEFAULT 0,
      "services" text array NOT NULL DEFAULT '{}',
      "models" text array NOT NULL DEFAULT '{}',
      "input_tokens" bigint NOT NULL DEFAULT 0,
      "output_tokens" bigint NOT NULL DEFAULT 0,
      "total_tokens" bigint NOT NULL DEFAULT 0,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_observability_traces" PRIMARY KEY ("trace_id", "start_time"),
      CONSTRAINT "ck_observability_traces_status" CHECK ("status" IN ('unset', 'ok', 'error'))
    ) PARTITION BY RANGE ("start_time")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_traces_start_time" ON "observability_traces" ("start_time")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_traces_services" ON "observability_traces" USING gin ("services")`);

    await queryRunner.query(`CREATE TABLE "observability_spans" (
      "trace_id" varchar(36) NOT NULL,
      "span_id" varchar(36) NOT NULL,
      "start_time" timestamptz NOT NULL,
      "parent_span_id" varchar(36) NULL,
      "name" varchar(255) NOT NULL,
      "kind" varchar(20) NOT NULL DEFAULT 'internal',
      "end_time" timestamptz NULL,
      "duration_ms" double precision NULL,
      "status" varchar(20) NOT NULL DEFAULT 'unset',
      "status_message" text NULL,
      "service" varchar(255) NULL,
      "scope_name" varchar(255) NULL,
      "attributes" jsonb NULL,
      "resource_attributes" jsonb NULL,
      "model" varchar(255) NULL,
      "input_tokens" bigint NULL,
      "output_tokens" bigint NULL,
      "resource_name" varchar(255) NULL,
      "resource_type" varchar(100) NULL,
      "resource_id" varchar(36) NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_observability_spans" PRIMARY KEY ("trace_id", "span_id", "start_time"),
      CONSTRAINT "ck_observability_spans_status" CHECK ("status" IN ('unset', 'ok', 'error'))
    ) PARTITION BY RANGE ("start_time")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_spans_service_start_time" ON "observability_spans" ("service", "start_time")`);
    // One index serves `attr.<key>=<value>` on span and resource attributes alike (containment, @>).
    await queryRunner.query(
      `CREATE INDEX "ix_observability_spans_all_attributes" ON "observability_spans"
         USING gin ((coalesce("resource_attributes", '{}') || coalesce("attributes", '{}')) jsonb_path_ops)`,
    );

    await queryRunner.query(`CREATE TABLE "observability_events" (
      "id" uuid NOT NULL,
      "timestamp" timestamptz NOT NULL,
      "trace_id" varchar(36) NOT NULL,
      "span_id" varchar(36) NOT NULL,
      "name" varchar(255) NOT NULL,
      "attributes" jsonb NULL,
      "severity" varchar(20) NULL,
      "message" text NULL,
      "exception_type" varchar(255) NULL,
      "exception_message" text NULL,
      "exception_stacktrace" text NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_observability_events" PRIMARY KEY ("id", "timestamp")
    ) PARTITION BY RANGE ("timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_events_trace_id" ON "observability_events" ("trace_id")`);

    await queryRunner.query(`CREATE TABLE "observability_metrics" (
      "id" uuid NOT NULL,
      "timestamp" timestamptz NOT NULL,
      "name" varchar(255) NOT NULL,
      "metric_type" varchar(20) NOT NULL,
      "value" double precision NOT NULL,
      "unit" varchar(50) NULL,
      "attributes" jsonb NULL,
      "resource_type" varchar(100) NULL,
      "resource_id" varchar(36) NULL,
      "trace_id" varchar(36) NULL,
      CONSTRAINT "pk_observability_metrics" PRIMARY KEY ("id", "timestamp"),
      CONSTRAINT "ck_observability_metrics_metric_type" CHECK ("metric_type" IN ('counter', 'gauge', 'histogram'))
    ) PARTITION BY RANGE ("timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_metrics_name_timestamp" ON "observability_metrics" ("name", "timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_metrics_trace_id" ON "observability_metrics" ("trace_id")`);

    for (const table of ['observability_traces', 'observability_spans', 'observability_events', 'observability_metrics']) {
      await queryRunner.query(`CREATE TABLE "${table}_default" PARTITION OF "${table}" DEFAULT`);
    }

    await queryRunner.query(
      `CREATE INDEX "ix_observability_saved_queries_is_shared" ON "observability_saved_queries" ("is_shared") WHERE "is_shared"`,
    );
    await queryRunner.query(MERGE_FUNCTION);
    await queryRunner.query(`CREATE TRIGGER "tr_observability_spans_summary" AFTER INSERT ON "observability_spans"
      REFERENCING NEW TABLE AS new_spans FOR EACH STATEMENT EXECUTE FUNCTION "observability_merge_trace_summaries"()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_observability_saved_queries_is_shared"`);
    for (const table of ['observability_metrics', 'observability_events', 'observability_spans', 'observability_traces']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "observability_merge_trace_summaries"()`);
    await queryRunner.query(`CREATE TABLE "observability_traces" (
      "trace_id" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "start_time" timestamptz NOT NULL,
      "end_time" timestamptz NULL, "duration_ms" double precision NULL, "status" varchar(20) NOT NULL DEFAULT 'unset',
      "status_message" text NULL, "http_method" varchar(10) NULL, "http_url" text NULL, "http_status_code" integer NULL,
      "user_email" varchar(255) NULL, "user_agent" text NULL, "ip_address" varchar(45) NULL, "attributes" jsonb NULL,
      "resource_attributes" jsonb NULL, "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_observability_traces" PRIMARY KEY ("trace_id"),
      CONSTRAINT "ck_observability_traces_status" CHECK ("status" IN ('unset', 'ok', 'error')))`);
    await queryRunner.query(`CREATE INDEX "ix_observability_traces_start_time" ON "observability_traces" ("start_time")`);
    await queryRunner.query(
      `CREATE INDEX "ix_observability_traces_user_email_start_time" ON "observability_traces" ("user_email", "start_time")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_observability_traces_status_start_time" ON "observability_traces" ("status", "start_time")`);
    await queryRunner.query(`CREATE TABLE "observability_spans" (
      "span_id" varchar(36) NOT NULL, "trace_id" varchar(36) NOT NULL, "parent_span_id" varchar(36) NULL,
      "name" varchar(255) NOT NULL, "kind" varchar(20) NOT NULL DEFAULT 'internal', "start_time" timestamptz NOT NULL,
      "end_time" timestamptz NULL, "duration_ms" double precision NULL, "status" varchar(20) NOT NULL DEFAULT 'unset',
      "status_message" text NULL, "attributes" jsonb NULL, "resource_name" varchar(255) NULL, "resource_type" varchar(100) NULL,
      "resource_id" varchar(36) NULL, "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_observability_spans" PRIMARY KEY ("span_id"),
      CONSTRAINT "ck_observability_spans_status" CHECK ("status" IN ('unset', 'ok', 'error')),
      CONSTRAINT "fk_observability_spans_trace" FOREIGN KEY ("trace_id") REFERENCES "observability_traces" ("trace_id") ON DELETE CASCADE,
      CONSTRAINT "fk_observability_spans_parent" FOREIGN KEY ("parent_span_id") REFERENCES "observability_spans" ("span_id") ON DELETE CASCADE)`);
    await queryRunner.query(`CREATE INDEX "ix_observability_spans_trace_id" ON "observability_spans" ("trace_id")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_spans_parent_span_id" ON "observability_spans" ("parent_span_id")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_spans_start_time" ON "observability_spans" ("start_time")`);
    await queryRunner.query(
      `CREATE INDEX "ix_observability_spans_resource_type_resource_id" ON "observability_spans" ("resource_type", "resource_id")`,
    );
    await queryRunner.query(`CREATE TABLE "observability_events" (
      "id" uuid NOT NULL, "span_id" varchar(36) NOT NULL, "name" varchar(255) NOT NULL, "timestamp" timestamptz NOT NULL,
      "attributes" jsonb NULL, "severity" varchar(20) NULL, "message" text NULL, "exception_type" varchar(255) NULL,
      "exception_message" text NULL, "exception_stacktrace" text NULL, "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_observability_events" PRIMARY KEY ("id"),
      CONSTRAINT "fk_observability_events_span" FOREIGN KEY ("span_id") REFERENCES "observability_spans" ("span_id") ON DELETE CASCADE)`);
    await queryRunner.query(`CREATE INDEX "ix_observability_events_span_id" ON "observability_events" ("span_id")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_events_name_timestamp" ON "observability_events" ("name", "timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_events_timestamp" ON "observability_events" ("timestamp")`);
    await queryRunner.query(`CREATE TABLE "observability_metrics" (
      "id" uuid NOT NULL, "name" varchar(255) NOT NULL, "metric_type" varchar(20) NOT NULL, "value" double precision NOT NULL,
      "timestamp" timestamptz NOT NULL, "unit" varchar(50) NULL, "attributes" jsonb NULL, "resource_type" varchar(100) NULL,
      "resource_id" varchar(36) NULL, "trace_id" varchar(36) NULL,
      CONSTRAINT "pk_observability_metrics" PRIMARY KEY ("id"),
      CONSTRAINT "ck_observability_metrics_metric_type" CHECK ("metric_type" IN ('counter', 'gauge', 'histogram')),
      CONSTRAINT "fk_observability_metrics_trace" FOREIGN KEY ("trace_id") REFERENCES "observability_traces" ("trace_id") ON DELETE SET NULL)`);
    await queryRunner.query(`CREATE INDEX "ix_observability_metrics_name_timestamp" ON "observability_metrics" ("name", "timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_observability_metrics_trace_id" ON "observability_metrics" ("trace_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_observability_metrics_resource_type_resource_id" ON "observability_metrics" ("resource_type", "resource_id")`,
    );
  }
}

/** Fields of the summary row that come from the root span. */
const ROOT_FIELDS = [
  'name',
  'root_service',
  'status_message',
  'attributes',
  'resource_attributes',
  'http_method',
  'http_url',
  'http_status_code',
  'user_email',
  'user_agent',
  'ip_address',
];

/** The batch, one row per trace: aggregates of the inserted spans, and the fields of their root span if it is among them. */
const BATCH = String.raw`
  agg AS (
    SELECT trace_id, min(start_time) AS start_time, max(coalesce(end_time, start_time)) AS end_time,
           count(*)::int AS span_count, (count(*) FILTER (WHERE status = 'error'))::int AS error_count,
           coalesce(array_agg(DISTINCT service::text) FILTER (WHERE service IS NOT NULL), '{}') AS services,
           coalesce(array_agg(DISTINCT model::text) FILTER (WHERE model IS NOT NULL), '{}') AS models,
           coalesce(sum(input_tokens), 0)::bigint AS input_tokens, coalesce(sum(output_tokens), 0)::bigint AS output_tokens
      FROM new_spans GROUP BY trace_id),
  roots AS (
    SELECT DISTINCT ON (trace_id) trace_id, span_id AS root_span_id, name, service AS root_service, status AS root_status,
           status_message, attributes, resource_attributes,
           left(coalesce(attributes->>'http.request.method', attributes->>'http.method'), 10) AS http_method,
           coalesce(attributes->>'url.full', attributes->>'http.url', attributes->>'url.path', attributes->>'http.target') AS http_url,
           CASE WHEN coalesce(attributes->>'http.response.status_code', attributes->>'http.status_code') ~ '^\d{1,9}$'
                THEN coalesce(attributes->>'http.response.status_code', attributes->>'http.status_code')::int END AS http_status_code,
           left(coalesce(attributes->>'enduser.id', attributes->>'user.email'), 255) AS user_email,
           coalesce(attributes->>'user_agent.original', attributes->>'http.user_agent') AS user_agent,
           left(coalesce(attributes->>'client.address', attributes->>'http.client_ip'), 45) AS ip_address
      FROM new_spans WHERE parent_span_id IS NULL ORDER BY trace_id, span_id, start_time),
  b AS (SELECT * FROM agg LEFT JOIN roots USING (trace_id))`;

/** The batch's root replaces the row's: the row has none yet, or the batch's has the smaller span id. */
const TAKE_ROOT = '(b.root_span_id IS NOT NULL AND (t.root_span_id IS NULL OR b.root_span_id < t.root_span_id))';
const ms = (from: string, to: string) => `extract(epoch FROM (${to} - ${from})) * 1000`;

/**
 * Merges the spans one statement inserted (`new_spans`) into their traces' summary rows.
 *
 * - Order: every field is a commutative, associative merge of the row and the batch (least,
 *   greatest, sums, set union, the root span's fields once it arrives), so any arrival order
 *   and batching gives the same row. Duplicates never reach it: a resent span is skipped by
 *   the primary key before the transition table is filled.
 * - Races: two transactions could both find no row for a new trace and insert two. The merge
 *   first takes transaction-scoped advisory locks on the traces' buckets (64, in ascending
 *   order, so two writers never deadlock), held to commit; each statement below takes a fresh
 *   snapshot, so the second writer sees the first one's row.
 * - The row's start is its partition key: an earlier span moves the row (UPDATE moves rows
 *   across partitions; INSERT … ON CONFLICT DO UPDATE cannot), hence UPDATE, then INSERT of
 *   the traces that have no row yet.
 */
const MERGE_FUNCTION = String.raw`
CREATE FUNCTION "observability_merge_trace_summaries"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('fourfold:trace-summary'), bucket)
     FROM (SELECT DISTINCT hashtext(trace_id) & 63 AS bucket FROM new_spans ORDER BY 1) AS buckets;

  WITH ${BATCH}
  UPDATE "observability_traces" t
     SET start_time = least(t.start_time, b.start_time),
         end_time = greatest(t.end_time, b.end_time),
         duration_ms = ${ms('least(t.start_time, b.start_time)', 'greatest(t.end_time, b.end_time)')},
         span_count = t.span_count + b.span_count,
         error_count = t.error_count + b.error_count,
         services = ARRAY(SELECT DISTINCT x FROM unnest(t.services || b.services) AS x ORDER BY 1),
         models = ARRAY(SELECT DISTINCT x FROM unnest(t.models || b.models) AS x ORDER BY 1),
         input_tokens = t.input_tokens + b.input_tokens,
         output_tokens = t.output_tokens + b.output_tokens,
         total_tokens = t.total_tokens + b.input_tokens + b.output_tokens,
         status = CASE WHEN t.error_count + b.error_count > 0 THEN 'error'
                       WHEN ${TAKE_ROOT} THEN coalesce(b.root_status, 'unset') ELSE t.status END,
         root_span_id = CASE WHEN ${TAKE_ROOT} THEN b.root_span_id ELSE t.root_span_id END,
         ${ROOT_FIELDS.map((f) => `${f} = CASE WHEN ${TAKE_ROOT} THEN b.${f} ELSE t.${f} END`).join(',\n         ')},
         updated_at = now()
    FROM b
   WHERE t.trace_id = b.trace_id;

  WITH ${BATCH}
  INSERT INTO "observability_traces" (trace_id, start_time, end_time, duration_ms, span_count, error_count, services, models,
         input_tokens, output_tokens, total_tokens, status, root_span_id, ${ROOT_FIELDS.join(', ')})
  SELECT trace_id, start_time, end_time, ${ms('start_time', 'end_time')}, span_count, error_count, services, models,
         input_tokens, output_tokens, input_tokens + output_tokens,
         CASE WHEN error_count > 0 THEN 'error' ELSE coalesce(root_status, 'unset') END, root_span_id, ${ROOT_FIELDS.join(', ')}
    FROM b
   WHERE NOT EXISTS (SELECT 1 FROM "observability_traces" t WHERE t.trace_id = b.trace_id);
  RETURN NULL;
END
$fn$`;
