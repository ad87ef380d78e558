import { z } from 'zod';
import { ENTITY_TYPES, EntityType } from '../metric-tables';

/** Longer error messages are cut to this many characters (a stack trace is not worth a rejected batch). */
export const MAX_ERROR_MESSAGE = 4096;
/** Timestamps further ahead than this are refused: they would sit in the default partition for good. */
export const MAX_FUTURE_MS = 60 * 60 * 1000;

const item = z.object({
  entity_type: z.enum(ENTITY_TYPES, { errorMap: () => ({ message: `must be one of ${ENTITY_TYPES.join(', ')}` }) }),
  entity_id: z.string({ invalid_type_error: 'must be a string' }).min(1, 'must not be empty').max(36, 'must be at most 36 characters'),
  timestamp: z
    .string({ invalid_type_error: 'must be an ISO 8601 date-time string' })
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z' })
    .nullish(),
  response_time: z
    .number({ invalid_type_error: 'must be a number (seconds)', required_error: 'is required (seconds)' })
    .finite('must be a finite number')
    .nonnegative('must not be negative'),
  is_success: z.boolean({ invalid_type_error: 'must be true or false', required_error: 'is required' }),
  error_message: z.string({ invalid_type_error: 'must be a string' }).nullish(),
  interaction_type: z
    .string({ invalid_type_error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(50, 'must be at most 50 characters')
    .nullish(),
});

export interface Execution {
  entityType: EntityType;
  entityId: string;
  timestamp: Date;
  responseTime: number;
  isSuccess: boolean;
  errorMessage: string | null;
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
export function validateExecutionBatch(body: unknown, maxBatch: number, now: Date): BatchResult {
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
  for (let index = 0; index < body.length; index++) {
    const parsed = item.safeParse(body[index]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length ? issue.path.join('.') : '(item)';
        const reason = issue.message === 'Required' ? 'is required' : issue.message;
        errors.push({ index, field, reason: field === '(item)' && issue.code === 'invalid_type' ? 'must be an object' : reason });
      }
      continue;
    }
    const v = parsed.data;
    const timestamp = v.timestamp ? new Date(v.timestamp) : now;
    if (timestamp.getTime() > latest) {
      errors.push({ index, field: 'timestamp', reason: 'must not be more than one hour in the future' });
      continue;
    }
    items.push({
      entityType: v.entity_type,
      entityId: v.entity_id,
      timestamp,
      responseTime: v.response_time,
      isSuccess: v.is_success,
      errorMessage: v.error_message == null ? null : v.error_message.slice(0, MAX_ERROR_MESSAGE),
      interactionType: v.interaction_type ?? 'invoke',
    });
  }
  if (errors.length > 0) {
    const bad = new Set(errors.map((e) => e.index)).size;
    return { ok: false, status: 400, message: `${bad} of ${body.length} executions are invalid; nothing was written`, errors };
  }
  return { ok: true, items };
}
