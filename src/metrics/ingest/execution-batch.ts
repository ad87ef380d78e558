import { DATE_TIME_RULE } from '../../common/dto-transforms';
import { nameUuid } from '../../common/ids';
import { DAY_MS, MINUTE_MS, parseIsoDateTime } from '../../common/time';
import { ENTITY_TYPES, EntityType } from '../metric-tables';

/** Longer error messages are cut to this many characters (a stack trace is not worth a rejected batch). */
export const MAX_ERROR_MESSAGE = 4096;
/** Timestamps further ahead than this (clock skew) are refused: they would sit in the default partition for good. */
export const MAX_FUTURE_MS = 5 * MINUTE_MS;

/** What a batch may hold: its size, how old its timestamps and how long its response times. */
export interface IngestLimits {
  maxBatch: number;
  /** Timestamps older than this many days fall outside the raw tables' retention: refused. */
  retentionDays: number;
  /** The longest response time accepted, in seconds (METRICS_MAX_RESPONSE_TIME_SECONDS). */
  maxResponseTimeSeconds: number;
}

// Hand-written rather than a schema library: this runs for every row at ingest speed
// (a zod object schema cost ~7 µs per item here, as much as everything else together).
const ENTITY_TYPE_SET = new Set<string>(ENTITY_TYPES);
/** The fields of an item; any other is refused naming it, as the registry's DTOs refuse theirs. */
const ITEM_FIELDS = new Set(['entity_type', 'entity_id', 'timestamp', 'response_time', 'is_success', 'error_message', 'interaction_type']);

type Parsed = Omit<Execution, 'timestamp'> & { timestamp: Date | null };

/** One item: its value, or the problems with it (field and reason). */
function parseItem(value: unknown, problems: Array<{ field: string; reason: string }>): Parsed | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ field: '(item)', reason: 'must be an object' });
    return null;
  }
  const v = value as Record<string, unknown>;
  const before = problems.length;
  for (const key in v) if (!ITEM_FIELDS.has(key)) problems.push({ field: key, reason: `${key} should not exist` });
  const entityType = v.entity_type;
  if (typeof entityType !== 'string' || !ENTITY_TYPE_SET.has(entityType)) {
    problems.push({ field: 'entity_type', reason: entityType === undefined ? 'is required' : `must be one of ${ENTITY_TYPES.join(', ')}` });
  }
  const entityId = v.entity_id;
  if (entityId === undefined) problems.push({ field: 'entity_id', reason: 'is required' });
  else if (typeof entityId !== 'string') problems.push({ field: 'entity_id', reason: 'must be a string' });
  else if (entityId.length === 0) problems.push({ field: 'entity_id', reason: 'must not be empty' });
  else if (entityId.length > 36) problems.push({ field: 'entity_id', reason: 'must be at most 36 characters' });
  let timestamp: Date | null = null;
  if (v.timestamp !== undefined && v.timestamp !== null) {
    if (typeof v.timestamp !== 'string') problems.push({ field: 'timestamp', reason: 'must be an ISO 8601 date-time string' });
    else {
      timestamp = parseIsoDateTime(v.timestamp);
      if (!timestamp) {
        problems.push({ field: 'timestamp', reason: DATE_TIME_RULE });
      }
    }
  }
  const rt = v.response_time;
  if (rt === undefined) problems.push({ field: 'response_time', reason: 'is required (seconds)' });
  else if (typeof rt !== 'number') problems.push({ field: 'response_time', reason: 'must be a number (seconds)' });
  else if (!Number.isFinite(rt)) problems.push({ field: 'response_time', reason: 'must be a finite number' });
  else if (rt < 0) problems.push({ field: 'response_time', reason: 'must not be negative' });
  if (v.is_success === undefined) problems.push({ field: 'is_success', reason: 'is required' });
  else if (typeof v.is_success !== 'boolean') problems.push({ field: 'is_success', reason: 'must be true or false' });
  const em = v.error_message;
  if (em !== undefined && em !== null && typeof em !== 'string') problems.push({ field: 'error_message', reason: 'must be a string' });
  const it = v.interaction_type;
  if (it !== undefined && it !== null) {
    if (typeof it !== 'string') problems.push({ field: 'interaction_type', reason: 'must be a string' });
    else if (it.length === 0) problems.push({ field: 'interaction_type', reason: 'must not be empty' });
    else if (it.length > 50) problems.push({ field: 'interaction_type', reason: 'must be at most 50 characters' });
  }
  const et = v.error_type;
  if (et !== undefined && et !== null && (typeof et !== 'string' || et.length > 255))
    problems.push({ field: 'error_type', reason: 'must be a string of at most 255 characters' });
  const traceId = v.trace_id;
  const spanId = v.span_id;
  if ((traceId === undefined) !== (spanId === undefined)) problems.push({ field: 'span_id', reason: 'trace_id and span_id go together' });
  if (traceId !== undefined && (typeof traceId !== 'string' || !/^[0-9a-fA-F]{32}$/.test(traceId)))
    problems.push({ field: 'trace_id', reason: 'must be 32 hexadecimal digits (the OTLP trace id)' });
  if (spanId !== undefined && (typeof spanId !== 'string' || !/^[0-9a-fA-F]{16}$/.test(spanId)))
    problems.push({ field: 'span_id', reason: 'must be 16 hexadecimal digits (the OTLP span id)' });
  if (problems.length > before) return null;
  return {
    id:
      typeof traceId === 'string'
        ? executionId(traceId.toLowerCase(), (spanId as string).toLowerCase(), entityType as EntityType)
        : undefined,
    errorType: typeof et === 'string' ? et : null,
    entityType: entityType as EntityType,
    entityId: entityId as string,
    timestamp,
    responseTime: rt as number,
    isSuccess: v.is_success as boolean,
    errorMessage: typeof em === 'string' ? em.slice(0, MAX_ERROR_MESSAGE) : null,
    interactionType: typeof it === 'string' ? it : 'invoke',
  };
}

/**
 * The row id of the execution a span describes: the same for the row derived from the span
 * (src/metrics/from-spans) and for one sent to the ingest API with that span's trace_id and
 * span_id, so that, with the span's start as timestamp, the execution is stored once.
 */
export const executionId = (traceId: string, spanId: string, entityType: EntityType): string => nameUuid(traceId, spanId, entityType);

export interface Execution {
  /** Set when the row's identity comes from a span (see executionId); otherwise assigned at ingest. */
  id?: string;
  /** The name the sender gave, recorded when core does not know the id. */
  name?: string | null;
  entityType: EntityType;
  entityId: string;
  timestamp: Date;
  responseTime: number;
  isSuccess: boolean;
  errorMessage: string | null;
  /** `error.type` of the span (tool_error, a timeout class…), for error breakdowns. */
  errorType: string | null;
  /** The span's trace and MCP session, for derived rows (tool chains, the way back to the trace). */
  traceId?: string;
  sessionId?: string | null;
  /** A2A agents only; 'invoke' when not given. */
  interactionType: string;
}

export interface ItemError {
  index: number | null;
  field: string;
  reason: string;
}

export type BatchResult = { ok: true; items: Execution[] } | { ok: false; status: 400 | 413; message: string; errors: ItemError[] };

/**
 * Validates a whole ingest batch before anything is written: either every item is valid,
 * or the answer names each bad item's index and field. Pure: `now` is passed in.
 */
export function validateExecutionBatch(body: unknown, limits: IngestLimits, now: Date): BatchResult {
  const { maxBatch, maxResponseTimeSeconds } = limits;
  if (!Array.isArray(body)) {
    return {
      ok: false,
      status: 400,
      message: 'the body must be a JSON array of executions (Content-Type: application/json)',
      errors: [{ index: null, field: '(body)', reason: `expected an array, got ${body === null ? 'null' : typeof body}` }],
    };
  }
  if (body.length === 0) {
    return {
      ok: false,
      status: 400,
      message: 'the batch is empty',
      errors: [{ index: null, field: '(body)', reason: 'must hold at least one execution' }],
    };
  }
  if (body.length > maxBatch) {
    return {
      ok: false,
      status: 413,
      message: `the batch holds ${body.length} executions; at most ${maxBatch} are accepted per request (METRICS_INGEST_MAX_BATCH)`,
      errors: [{ index: null, field: '(body)', reason: `at most ${maxBatch} items` }],
    };
  }
  const errors: ItemError[] = [];
  const items: Execution[] = [];
  const latest = now.getTime() + MAX_FUTURE_MS;
  const earliest = now.getTime() - limits.retentionDays * DAY_MS;
  const problems: Array<{ field: string; reason: string }> = [];
  for (let index = 0; index < body.length; index++) {
    problems.length = 0;
    const parsed = parseItem(body[index], problems);
    if (!parsed) {
      for (const p of problems) errors.push({ index, ...p });
      continue;
    }
    const timestamp = (parsed.timestamp ??= now);
    if (timestamp.getTime() > latest) {
      errors.push({ index, field: 'timestamp', reason: 'must not be more than 5 minutes in the future' });
      continue;
    }
    if (timestamp.getTime() < earliest) {
      errors.push({ index, field: 'timestamp', reason: `must be within the last ${limits.retentionDays} days (METRICS_RETENTION_DAYS)` });
      continue;
    }
    if (parsed.responseTime > maxResponseTimeSeconds) {
      errors.push({
        index,
        field: 'response_time',
        reason: `must be at most ${maxResponseTimeSeconds} seconds (METRICS_MAX_RESPONSE_TIME_SECONDS)`,
      });
      continue;
    }
    items.push(parsed as Execution);
  }
  if (errors.length > 0) {
    const bad = new Set(errors.map((e) => e.index)).size;
    return { ok: false, status: 400, message: `${bad} of ${body.length} executions are invalid; nothing was written`, errors };
  }
  return { ok: true, items };
}
