import { parse as parseLogfmt } from 'logfmt';
import { DAY_MS, HOUR_MS } from '../../common/time';
import { FieldProblem, FilterError, MAX_LIMIT, MAX_WINDOW_MS } from '../query/trace-filter';

/**
 * The Jaeger query API's parameters (as the Jaeger UI and Grafana's Jaeger data source send
 * them), mapped onto the native trace filter's input, which the one query layer then checks
 * and runs. Pure.
 */

/** Jaeger's default search size (its query service's `defaultQueryLimit`). */
export const JAEGER_DEFAULT_LIMIT = 100;
/** Services and operations are listed from spans of this long before now (Jaeger clients send no window). */
export const METADATA_LOOKBACK_MS = DAY_MS;
/** The Jaeger UI's default window for the dependency graph. */
export const DEPENDENCIES_DEFAULT_LOOKBACK_MS = 7 * DAY_MS;

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: HOUR_MS };
const GO_DURATION = /^(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** A Go duration (`1.2s`, `300ms`, `1h30m`, `250us`) in milliseconds; null when it is not one. */
export function parseGoDuration(text: string): number | null {
  let rest = text.trim();
  if (!rest || rest.length > 40) return null;
  if (rest === '0') return 0;
  let total = 0;
  while (rest) {
    const m = GO_DURATION.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * GO_UNITS[m[3]];
    rest = rest.slice(m[0].length);
  }
  return Number.isFinite(total) ? total : null;
}

/** `tags`: the JSON map Grafana and the Jaeger UI send, or logfmt (`error=true http.status_code=500`). */
export function parseTags(text: string): Record<string, string> | null {
  const trimmed = text.trim();
  if (!trimmed) return {};
  let value: unknown;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      value = JSON.parse(trimmed);
    } catch {
      return null;
    }
  } else value = parseLogfmt(trimmed);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else return null;
  }
  return out;
}

type Query = Record<string, unknown>;

/** One value of a parameter (a repeated one is a problem). */
function single(query: Query, key: string, problems: FieldProblem[]): string | undefined {
  const v = query[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') {
    problems.push({ field: key, reason: 'must be given once' });
    return undefined;
  }
  return v;
}

/** Microseconds since the epoch (Jaeger's `start` and `end`) as a Date. */
function micros(query: Query, key: string, problems: FieldProblem[]): Date | undefined {
  const v = single(query, key, problems);
  if (v === undefined) return undefined;
  if (!/^\d{1,17}$/.test(v)) return void problems.push({ field: key, reason: 'must be microseconds since the epoch' });
  const d = new Date(Math.floor(Number(v) / 1000));
  if (d.getUTCFullYear() > 9999) return void problems.push({ field: key, reason: 'must be a time before the year 10000' });
  return d;
}

/** The Jaeger UI's lookback (`1h`, `2d`, `custom`); null for `custom` or absent. */
function lookback(query: Query, problems: FieldProblem[]): number | null {
  const v = single(query, 'lookback', problems);
  if (v === undefined || v === 'custom') return null;
  const m = /^(\d{1,4})([mhdw])$/.exec(v);
  if (!m) return (problems.push({ field: 'lookback', reason: 'must be like 1h, 2d, 1w or custom' }), null);
  return Number(m[1]) * { m: 60_000, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS }[m[2] as 'm' | 'h' | 'd' | 'w'];
}

export interface JaegerSearch {
  /** Input for the native filter (parseTraceFilter), or null when trace ids were asked for. */
  filter: Record<string, unknown> | null;
  traceIds: string[];
  limit: number;
}

const SEARCH_KEYS = new Set([
  'service',
  'operation',
  'tags',
  'tag',
  'minDuration',
  'maxDuration',
  'limit',
  'start',
  'end',
  'lookback',
  'traceID',
  'spanKind',
]);

/** GET /api/traces's query string as a native filter; FilterError lists every problem. */
export function jaegerSearch(query: Query, now = new Date()): JaegerSearch {
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(query))
    if (!SEARCH_KEYS.has(key)) problems.push({ field: key, reason: 'is not a Jaeger search parameter' });
  const ids = query.traceID === undefined ? [] : Array.isArray(query.traceID) ? query.traceID : [query.traceID];
  if (ids.some((id) => typeof id !== 'string' || !/^[0-9a-fA-F]{1,32}$/.test(id)))
    problems.push({ field: 'traceID', reason: 'must be up to 32 hexadecimal characters' });
  const traceIds = (ids as string[]).map((id) => id.toLowerCase().padStart(32, '0')).slice(0, MAX_LIMIT);
  const limitText = single(query, 'limit', problems);
  const limit = limitText === undefined ? JAEGER_DEFAULT_LIMIT : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 0 && limit <= MAX_LIMIT)) problems.push({ field: 'limit', reason: `must be a whole number from 0 to ${MAX_LIMIT}` });

  const service = single(query, 'service', problems);
  if (!service && traceIds.length === 0) problems.push({ field: 'service', reason: "parameter 'service' is required" });
  const filter: Record<string, unknown> = { limit: limit || JAEGER_DEFAULT_LIMIT };
  if (service) filter.service = service;
  const operation = single(query, 'operation', problems);
  if (operation) filter.operation = operation;
  for (const [key, native] of [
    ['minDuration', 'min_duration_ms'],
    ['maxDuration', 'max_duration_ms'],
  ] as const) {
    const text = single(query, key, problems);
    if (text === undefined) continue;
    const ms = parseGoDuration(text);
    if (ms === null) problems.push({ field: key, reason: 'must be a duration like 1.2s, 300ms or 250us' });
    else filter[native] = ms;
  }
  const tags: Record<string, string> = {};
  const tagsText = single(query, 'tags', problems);
  if (tagsText !== undefined) {
    const parsed = parseTags(tagsText);
    if (!parsed) problems.push({ field: 'tags', reason: 'must be a JSON object of strings, numbers or booleans, or logfmt' });
    else Object.assign(tags, parsed);
  }
  // Jaeger's older form: tag=key:value, repeatable.
  for (const t of query.tag === undefined ? [] : Array.isArray(query.tag) ? query.tag : [query.tag]) {
    const i = typeof t === 'string' ? t.indexOf(':') : -1;
    if (i <= 0) problems.push({ field: 'tag', reason: 'must be key:value' });
    else tags[(t as string).slice(0, i)] = (t as string).slice(i + 1);
  }
  for (const [key, value] of Object.entries(tags)) {
    // Jaeger marks failed spans with the tag error=true; fourfold keeps it as the span status.
    if (key === 'error' && value === 'true') filter.status = 'error';
    else filter[`attr.${key}`] = value;
  }

  const end = micros(query, 'end', problems) ?? now;
  const back = lookback(query, problems);
  const start = micros(query, 'start', problems) ?? new Date(end.getTime() - (back ?? HOUR_MS));
  filter.from = start.toISOString();
  filter.to = new Date(Math.max(end.getTime(), start.getTime() + 1)).toISOString();
  if (problems.length) throw new FilterError(problems);
  return { filter: traceIds.length ? null : filter, traceIds, limit: limit || JAEGER_DEFAULT_LIMIT };
}

/** GET /api/dependencies: `endTs` and `lookback` in milliseconds (as the Jaeger UI sends them). */
export function jaegerDependencyWindow(query: Query, now = new Date()): { from: Date; to: Date } {
  const problems: FieldProblem[] = [];
  const num = (key: string): number | undefined => {
    const v = single(query, key, problems);
    if (v === undefined) return undefined;
    if (!/^\d{1,15}$/.test(v)) return void problems.push({ field: key, reason: 'must be milliseconds' });
    return Number(v);
  };
  for (const key of Object.keys(query))
    if (key !== 'endTs' && key !== 'lookback') problems.push({ field: key, reason: 'is not a dependencies parameter' });
  const endTs = num('endTs') ?? now.getTime();
  const back = num('lookback') ?? DEPENDENCIES_DEFAULT_LOOKBACK_MS;
  if (back <= 0 || back > MAX_WINDOW_MS) problems.push({ field: 'lookback', reason: `must be from 1 to ${MAX_WINDOW_MS} milliseconds` });
  if (endTs > 253_402_300_799_999) problems.push({ field: 'endTs', reason: 'must be a time before the year 10000' });
  if (problems.length) throw new FilterError(problems);
  return { from: new Date(Math.max(0, endTs - back)), to: new Date(endTs) };
}
