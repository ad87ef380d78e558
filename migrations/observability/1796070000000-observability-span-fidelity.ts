import { MigrationInterface, QueryRunner } from 'typeorm';
import { ObservabilityTraceSummaryFunctions1795600000000 } from './1795600000000-observability-trace-summary-functions';

/**
 * What OTLP says of a span and fourfold kept nothing of, and what it derives from it:
 *
 * - spans: `trace_state`, `flags` (W3C trace flags; 0x100 "parent remoteness known", 0x200
 *   "parent is remote"), `scope_version`, `schema_url`, `links` (jsonb array of
 *   { trace_id, span_id, trace_state, flags, attributes, dropped_attributes_count }), the
 *   dropped attribute / event / link counts, and `operation` (the templated operation name of
 *   /operations and /stats: `<method> <http.route>`, ids in paths as {id}; the raw name stays);
 * - trace summaries: `operation` of the root and `root_remote`.
 *
 * The summary's root is now the span without a parent or else the top local span, the one whose
 * parent is remote (flags 0x300, as a gateway called with `traceparent` sends): a trace whose
 * client is not traced into fourfold still has a root name, service and status for search,
 * operations and stats. A span without a parent outranks one with a remote parent (the client's
 * own root, when it exports too); between equals the smallest span id wins, as before. Both
 * are properties of one span, so the merge stays a commutative monoid: any order, batching or
 * duplication of arrival gives the same summary. Summaries already stored keep their root.
 */
export class ObservabilitySpanFidelity1796070000000 implements MigrationInterface {
  name = 'ObservabilitySpanFidelity1796070000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "observability_spans"
      ADD COLUMN "trace_state" text NULL,
      ADD COLUMN "flags" bigint NULL,
      ADD COLUMN "scope_version" varchar(255) NULL,
      ADD COLUMN "schema_url" text NULL,
      ADD COLUMN "links" jsonb NULL,
      ADD COLUMN "dropped_attributes_count" integer NULL,
      ADD COLUMN "dropped_events_count" integer NULL,
      ADD COLUMN "dropped_links_count" integer NULL,
      ADD COLUMN "operation" varchar(255) NULL`);
    await queryRunner.query(`ALTER TABLE "observability_traces"
      ADD COLUMN "operation" varchar(255) NULL,
      ADD COLUMN "root_remote" boolean NULL`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "observability_summarize_spans"(spans "observability_spans"[])
      RETURNS SETOF "observability_traces" LANGUAGE sql STABLE AS $fn$${summarizeSelect('unnest(spans)')}
$fn$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "observability_merge_spans"(spans "observability_spans"[])
      RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  traces bigint;
BEGIN
  ${mergeStatements('unnest(spans)', `SELECT * FROM "observability_summarize_spans"(spans)`)}
  RETURN traces;
END
$fn$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The functions of 1795600000000 again, over the columns as they were.
    await queryRunner.query(`DROP FUNCTION "observability_recompute_trace_summaries"(text[])`);
    await queryRunner.query(`DROP FUNCTION "observability_rebuild_trace_summaries"(text[])`);
    await queryRunner.query(`DROP FUNCTION "observability_merge_spans"("observability_spans"[])`);
    await queryRunner.query(`DROP FUNCTION "observability_summarize_spans"("observability_spans"[])`);
    await queryRunner.query(`ALTER TABLE "observability_traces" DROP COLUMN "root_remote", DROP COLUMN "operation"`);
    await queryRunner.query(`ALTER TABLE "observability_spans"
      DROP COLUMN "operation", DROP COLUMN "dropped_links_count", DROP COLUMN "dropped_events_count",
      DROP COLUMN "dropped_attributes_count", DROP COLUMN "links", DROP COLUMN "schema_url", DROP COLUMN "scope_version",
      DROP COLUMN "flags", DROP COLUMN "trace_state"`);
    await new ObservabilityTraceSummaryFunctions1795600000000().up(queryRunner);
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
  'operation',
  'root_remote',
];

/** A span that is a root: no parent, or a remote one (flags: 0x100 known, 0x200 remote). */
const IS_ROOT = `(parent_span_id IS NULL OR (coalesce(flags, 0) & 768) = 768)`;

/** One summary row per trace of `spans` (a relation), in the column order of observability_traces. */
export const summarizeSelect = (spans: string) => String.raw`
  WITH agg AS (
    SELECT trace_id, min(start_time) AS start_time, max(coalesce(end_time, start_time)) AS end_time,
           count(*)::int AS span_count, (count(*) FILTER (WHERE status = 'error'))::int AS error_count,
           coalesce(array_agg(DISTINCT service::text) FILTER (WHERE service IS NOT NULL), '{}') AS services,
           coalesce(array_agg(DISTINCT model::text) FILTER (WHERE model IS NOT NULL), '{}') AS models,
           coalesce(sum(input_tokens), 0)::bigint AS input_tokens, coalesce(sum(output_tokens), 0)::bigint AS output_tokens
      FROM ${spans} GROUP BY trace_id),
  roots AS (
    SELECT DISTINCT ON (trace_id) trace_id, span_id AS root_span_id, name, service AS root_service, status AS root_status,
           status_message, attributes, resource_attributes,
           left(coalesce(attributes->>'http.request.method', attributes->>'http.method'), 10) AS http_method,
           coalesce(attributes->>'url.full', attributes->>'http.url', attributes->>'url.path', attributes->>'http.target') AS http_url,
           CASE WHEN coalesce(attributes->>'http.response.status_code', attributes->>'http.status_code') ~ '^\d{1,9}$'
                THEN coalesce(attributes->>'http.response.status_code', attributes->>'http.status_code')::int END AS http_status_code,
           left(coalesce(attributes->>'enduser.id', attributes->>'user.email'), 255) AS user_email,
           coalesce(attributes->>'user_agent.original', attributes->>'http.user_agent') AS user_agent,
           left(coalesce(attributes->>'client.address', attributes->>'http.client_ip'), 45) AS ip_address,
           operation, parent_span_id IS NOT NULL AS root_remote
      FROM ${spans} WHERE ${IS_ROOT} ORDER BY trace_id, parent_span_id IS NOT NULL, span_id, start_time)
  SELECT a.trace_id::varchar(36) AS trace_id, a.start_time, r.name::varchar(255) AS name, a.end_time,
         (extract(epoch FROM (a.end_time - a.start_time)) * 1000)::double precision AS duration_ms,
         (CASE WHEN a.error_count > 0 THEN 'error' ELSE coalesce(r.root_status, 'unset') END)::varchar(20) AS status,
         r.status_message, r.http_method::varchar(10) AS http_method, r.http_url, r.http_status_code,
         r.user_email::varchar(255) AS user_email, r.user_agent, r.ip_address::varchar(45) AS ip_address, r.attributes,
         r.resource_attributes, r.root_span_id::varchar(36) AS root_span_id, r.root_service::varchar(255) AS root_service,
         a.span_count, a.error_count, a.services, a.models, a.input_tokens, a.output_tokens,
         a.input_tokens + a.output_tokens AS total_tokens, now() AS created_at, now() AS updated_at,
         r.operation::varchar(255) AS operation, r.root_remote
    FROM agg AS a LEFT JOIN roots AS r USING (trace_id)`;

/**
 * The batch's root replaces the row's: the row has none yet, or the batch's ranks first
 * (a parentless root before a remote-parent one, then the smaller span id).
 */
const TAKE_ROOT = `(b.root_span_id IS NOT NULL AND (t.root_span_id IS NULL
  OR (b.root_remote, b.root_span_id) < (coalesce(t.root_remote, false), t.root_span_id)))`;
const ms = (from: string, to: string) => `extract(epoch FROM (${to} - ${from})) * 1000`;

/** As in 1795600000000 (advisory locks on the traces' buckets, then one merge statement), with the new root rank. */
export const mergeStatements = (spans: string, batch: string) => `
  PERFORM pg_advisory_xact_lock(hashtext('fourfold:trace-summary'), bucket)
     FROM (SELECT DISTINCT hashtext(trace_id) & 63 AS bucket FROM ${spans} ORDER BY 1) AS buckets;

  WITH b AS MATERIALIZED (${batch}),
  merged AS (
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
           total_tokens = t.total_tokens + b.total_tokens,
           status = CASE WHEN t.error_count + b.error_count > 0 THEN 'error' WHEN ${TAKE_ROOT} THEN b.status ELSE t.status END,
           root_span_id = CASE WHEN ${TAKE_ROOT} THEN b.root_span_id ELSE t.root_span_id END,
           ${ROOT_FIELDS.map((f) => `${f} = CASE WHEN ${TAKE_ROOT} THEN b.${f} ELSE t.${f} END`).join(',\n           ')},
           updated_at = now()
      FROM b
     WHERE t.trace_id = b.trace_id
 RETURNING t.trace_id),
  added AS (
    INSERT INTO "observability_traces" SELECT b.* FROM b WHERE b.trace_id NOT IN (SELECT trace_id FROM merged) RETURNING trace_id)
  SELECT (SELECT count(*) FROM merged) + (SELECT count(*) FROM added) INTO traces;`;
