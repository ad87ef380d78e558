import { DAY_MS, HOUR_MS, isSupportedTime, MINUTE_MS, parseIsoDateTime } from '../../common/time';

/**
 * The trace search filter, parsed from query parameters (strings) or from a saved query's
 * `filter_config` (JSON) by the same code. Pure: the SQL is built from the parsed filter by
 * trace-search.ts, every value a bound parameter.
 */
export interface TraceFilter {
  service?: string;
  /** The root span's name. */
  name?: string;
  /** The name of some span of the trace (of `service`, when given): Jaeger's operation. */
  operation?: string;
  status?: 'ok' | 'error' | 'unset';
  minDurationMs?: number;
  maxDurationMs?: number;
  /** A gen_ai.request.model used in the trace. */
  model?: string;
  minTokens?: number;
  /** Span or resource attributes that some span of the trace has, all of them. */
  attributes: Array<{ key: string; value: string }>;
  /** Absolute window; when `from` is absent it is `to` minus `lookbackMs`. */
  from?: Date;
  to?: Date;
  lookbackMs: number;
  sort: 'start' | 'duration' | 'tokens';
  limit: number;
}

export interface FieldProblem {
  field: string;
  reason: string;
}

export class FilterError extends Error {
  constructor(readonly errors: FieldProblem[]) {
    super(`invalid filter: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`);
    this.name = 'FilterError';
  }
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
export const DEFAULT_LOOKBACK_MS = HOUR_MS;
/** The longest window a search may cover. */
export const MAX_WINDOW_MS = 31 * DAY_MS;

const KNOWN = new Set([
  'service',
  'name',
  'operation',
  'status',
  'min_duration_ms',
  'max_duration_ms',
  'model',
  'min_tokens',
  'from',
  'to',
  'lookback',
  'sort',
  'limit',
]);
/** Parameters that are not part of a filter but may sit beside one in a query string. */
export const PAGING_KEYS = new Set(['cursor']);

const UNITS: Record<string, number> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

/** Parses and checks every field; FilterError lists every problem at once. */
export function parseTraceFilter(input: Record<string, unknown>, now = new Date()): TraceFilter {
  const errors: FieldProblem[] = [];
  const problem = (field: string, reason: string) => void errors.push({ field, reason });
  const filter: TraceFilter = { attributes: [], lookbackMs: DEFAULT_LOOKBACK_MS, sort: 'start', limit: DEFAULT_LIMIT };

  const text = (field: string, max = 255): string | undefined => {
    const v = input[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') return problem(field, Array.isArray(v) ? 'is given more than once' : 'must be a string');
    if (v === '' || v.length > max) return problem(field, `must be 1 to ${max} characters`);
    return v;
  };
  const number = (field: string, { integer = false, min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined => {
    const v = input[field];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
      return problem(field, `must be ${integer ? 'a whole number' : 'a number'}`);
    if (n < min || n > max) return problem(field, `must be between ${min} and ${max}`);
    return n;
  };
  const date = (field: string): Date | undefined => {
    const v = text(field, 40);
    if (v === undefined) return undefined;
    const d = parseIsoDateTime(v);
    if (!d) return problem(field, 'must be an ISO 8601 date-time with a time zone, on the calendar, in years 0001-9999');
    return d;
  };

  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('attr.')) {
      const attribute = key.slice(5);
      if (!attribute || attribute.length > 255) problem(key, 'names no attribute (attr.<key>=<value>)');
      else if (typeof value === 'string') filter.attributes.push({ key: attribute, value });
      else if (typeof value === 'number' || typeof value === 'boolean') filter.attributes.push({ key: attribute, value: String(value) });
      else problem(key, Array.isArray(value) ? 'is given more than once' : 'must be a string');
    } else if (!KNOWN.has(key) && !PAGING_KEYS.has(key)) problem(key, 'is not a filter (see the documented parameters)');
  }
  if (filter.attributes.length > 10) problem('attr.*', 'at most 10 attribute filters');

  filter.service = text('service');
  filter.name = text('name');
  filter.operation = text('operation');
  filter.model = text('model');
  const status = text('status', 10);
  if (status !== undefined) {
    if (status === 'ok' || status === 'error' || status === 'unset') filter.status = status;
    else problem('status', 'must be ok, error or unset');
  }
  filter.minDurationMs = number('min_duration_ms');
  filter.maxDurationMs = number('max_duration_ms');
  if (filter.minDurationMs !== undefined && filter.maxDurationMs !== undefined && filter.minDurationMs > filter.maxDurationMs)
    problem('min_duration_ms', 'must not exceed max_duration_ms');
  filter.minTokens = number('min_tokens', { integer: true });
  filter.limit = number('limit', { integer: true, min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT;
  const sort = text('sort', 10);
  if (sort !== undefined) {
    if (sort === 'start' || sort === 'duration' || sort === 'tokens') filter.sort = sort;
    else problem('sort', 'must be start, duration or tokens');
  }
  const lookback = text('lookback', 10);
  if (lookback !== undefined) {
    const m = /^(\d{1,4})([mhd])$/.exec(lookback);
    const ms = m ? Number(m[1]) * UNITS[m[2]] : NaN;
    if (!(ms > 0 && ms <= MAX_WINDOW_MS)) problem('lookback', 'must be like 15m, 6h or 7d, at most 31d');
    else filter.lookbackMs = ms;
  }
  filter.from = date('from');
  filter.to = date('to');
  if (errors.length === 0) {
    const { from, to } = windowOf(filter, now);
    if (!isSupportedTime(from)) problem('from', 'must be in years 0001-9999 (by default it is `to` minus lookback)');
    else if (from >= to) problem('from', 'must be before to');
    else if (to.getTime() - from.getTime() > MAX_WINDOW_MS) problem('from', 'the window may cover at most 31 days');
  }
  if (errors.length) throw new FilterError(errors);
  return filter;
}

/** The half-open window [from, to) a filter covers at `now`. */
export function windowOf(filter: TraceFilter, now = new Date()): { from: Date; to: Date } {
  const to = filter.to ?? now;
  return { from: filter.from ?? new Date(to.getTime() - filter.lookbackMs), to };
}

/** The values an attribute filter matches: the string itself, and the number or boolean it spells. */
export function attributeCandidates(key: string, value: string): Array<Record<string, unknown>> {
  const candidates: unknown[] = [value];
  if (/^-?\d+(\.\d+)?$/.test(value) && Number.isFinite(Number(value))) candidates.push(Number(value));
  if (value === 'true' || value === 'false') candidates.push(value === 'true');
  return candidates.map((v) => ({ [key]: v }));
}

/** A filter as JSON for a saved query: the same keys as the query parameters (absolute dates kept as given). */
export function filterToConfig(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (!PAGING_KEYS.has(key) && value !== undefined) out[key] = value;
  return out;
}
