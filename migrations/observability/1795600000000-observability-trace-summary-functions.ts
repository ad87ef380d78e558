import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-trace summary as functions of a set of spans, so that the spans trigger and
 * `db:move` (which rebuilds summaries on its target instead of copying them) share one
 * definition of what a summary is:
 *
 * - `observability_summarize_spans(spans)`: one fresh summary row per trace of the given spans
 *   (the only place that says how a field is derived from spans).
 * - `observability_merge_spans(spans)`: merges spans into the stored summaries, under the
 *   trace-bucket advisory locks: summaries form a commutative monoid (least start, greatest
 *   end, sums, sorted set unions, the root with the smallest span id), so merging the summary
 *   of a batch into the stored row gives the row of all the spans together.
 * - The trigger `observability_merge_trace_summaries()` now calls it with the statement's
 *   inserted spans, unless the transaction set `fourfold.moving = 'on'` (db:move's own writes,
 *   whose summaries it rebuilds itself; a custom setting needs no superuser, unlike
 *   session_replication_role).
 * - `observability_rebuild_trace_summaries(trace_ids)`: forgets those traces' summaries and
 *   merges all their stored spans again; `observability_recompute_trace_summaries(trace_ids)`:
 *   what that would write, without writing (db:move --verify). Both work on 1000 traces at a
 *   time, so no statement holds the spans of a whole partition in one array.
 */
export class ObservabilityTraceSummaryFunctions1795600000000 implements MigrationInterface {
  name = 'ObservabilityTraceSummaryFunctions1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(SUMMARIZE_FUNCTION);
    await queryRunner.query(MERGE_FUNCTION);
    await queryRunner.query(ARRAY_MERGE_TRIGGER);
    await queryRunner.query(REBUILD_FUNCTION);
    await queryRunner.query(RECOMPUTE_FUNCTION);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The trigger as it was: the same merge, inline over the transition table, always on.
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "observability_merge_trace_summaries"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  traces bigint;
BEGIN
  ${mergeStatements('new_spans')}
  RETURN NULL;
END
$fn$`);
    await queryRunner.query(`DROP FUNCTION "observability_recompute_trace_summaries"(text[])`);
    await queryRunner.query(`DROP FUNCTION "observability_rebuild_trace_summaries"(text[])`);
    await queryRunner.query(`DROP FUNCTION "observability_merge_spans"("observability_spans"[])`);
    await queryRunner.query(`DROP FUNCTION "observability_summarize_spans"("observability_spans"[])`);
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

/**
 * One summary row per trace of the spans in `spans` (a relation), in the column order of
 * observability_traces. The root is the span without a parent (the smallest span id if several).
 */
const summarizeSelect = (spans: string) => String.raw`
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
           left(coalesce(attributes->>'client.address', attributes->>'http.client_ip'), 45) AS ip_address
      FROM ${spans} WHERE parent_span_id IS NULL ORDER BY trace_id, span_id, start_time)
  SELECT a.trace_id::varchar(36) AS trace_id, a.start_time, r.name::varchar(255) AS name, a.end_time,
         (extract(epoch FROM (a.end_time - a.start_time)) * 1000)::double precision AS duration_ms,
         (CASE WHEN a.error_count > 0 THEN 'error' ELSE coalesce(r.root_status, 'unset') END)::varchar(20) AS status,
         r.status_message, r.http_method::varchar(10) AS http_method, r.http_url, r.http_status_code,
         r.user_email::varchar(255) AS user_email, r.user_agent, r.ip_address::varchar(45) AS ip_address, r.attributes,
         r.resource_attributes, r.root_span_id::varchar(36) AS root_span_id, r.root_service::varchar(255) AS root_service,
         a.span_count, a.error_count, a.services, a.models, a.input_tokens, a.output_tokens,
         a.input_tokens + a.output_tokens AS total_tokens, now() AS created_at, now() AS updated_at
    FROM agg AS a LEFT JOIN roots AS r USING (trace_id)`;

const SUMMARIZE_FUNCTION = `
CREATE FUNCTION "observability_summarize_spans"(spans "observability_spans"[]) RETURNS SETOF "observability_traces"
LANGUAGE sql STABLE AS $fn$${summarizeSelect('unnest(spans)')}
$fn$`;

/** The batch's root replaces the row's: the row has none yet, or the batch's has the smaller span id. */
const TAKE_ROOT = '(b.root_span_id IS NOT NULL AND (t.root_span_id IS NULL OR b.root_span_id < t.root_span_id))';
const ms = (from: string, to: string) => `extract(epoch FROM (${to} - ${from})) * 1000`;

/**
 * Merges the summary `b` of a batch of spans into the stored rows. Two writers could both find
 * no row for a new trace and insert two: advisory locks on the traces' buckets (64, taken in
 * ascending order so that writers never deadlock) come first and are held to commit, and the
 * merge is a later statement, whose snapshot sees what the previous holder committed. The row's
 * start is its partition key: an earlier span moves the row (UPDATE moves rows across
 * partitions; INSERT … ON CONFLICT DO UPDATE cannot).
 */
const mergeStatements = (spans: string, batch = summarizeSelect(spans)) => `
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

const MERGE_FUNCTION = `
CREATE FUNCTION "observability_merge_spans"(spans "observability_spans"[]) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  traces bigint;
BEGIN
  ${mergeStatements('unnest(spans)', `SELECT * FROM "observability_summarize_spans"(spans)`)}
  RETURN traces;
END
$fn$`;

/** The given trace ids, 1000 at a time. */
/** The spans trigger as this migration leaves it: the statement's spans as one array, through observability_merge_spans. */
export const ARRAY_MERGE_TRIGGER = `CREATE OR REPLACE FUNCTION "observability_merge_trace_summaries"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('fourfold.moving', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM "observability_merge_spans"(ARRAY(SELECT n::"observability_spans" FROM new_spans AS n));
  RETURN NULL;
END
$fn$`;

const CHUNKS = `SELECT array_agg(id ORDER BY id) FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / 1000 AS part
                   FROM (SELECT DISTINCT id FROM unnest(trace_ids) AS id) AS ids) AS numbered GROUP BY part ORDER BY part`;
const SPANS_OF_CHUNK = `ARRAY(SELECT s FROM "observability_spans" AS s WHERE s.trace_id = ANY(chunk))`;

const REBUILD_FUNCTION = `
CREATE FUNCTION "observability_rebuild_trace_summaries"(trace_ids text[]) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  chunk text[];
  traces bigint := 0;
BEGIN
  -- Every bucket first, in ascending order: the chunks' merges then take none they do not hold.
  PERFORM pg_advisory_xact_lock(hashtext('fourfold:trace-summary'), bucket)
     FROM (SELECT DISTINCT hashtext(id) & 63 AS bucket FROM unnest(trace_ids) AS id ORDER BY 1) AS buckets;
  DELETE FROM "observability_traces" WHERE trace_id = ANY(trace_ids);
  FOR chunk IN ${CHUNKS} LOOP
    traces := traces + "observability_merge_spans"(${SPANS_OF_CHUNK});
  END LOOP;
  RETURN traces;
END
$fn$`;

const RECOMPUTE_FUNCTION = `
CREATE FUNCTION "observability_recompute_trace_summaries"(trace_ids text[]) RETURNS SETOF "observability_traces"
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  chunk text[];
BEGIN
  FOR chunk IN ${CHUNKS} LOOP
    RETURN QUERY SELECT * FROM "observability_summarize_spans"(${SPANS_OF_CHUNK});
  END LOOP;
END
$fn$`;
