import { canonicalJson, nameUuid } from '../../common/ids';
import { timestampOf } from '../ingest/span-rows';
import { LogRecordIn } from '../otlp/otlp-logs-request';

/**
 * OTLP log records as rows of the logs role's structured_log_entries (mapping as data): the
 * OTLP fields keep columns of their own (migration 1796050000000), the well-known resource and
 * record attributes fill the columns the service's own log rows use, so one search serves both.
 */

/** Severity number ranges (OTLP data model) to the table's levels: TRACE and DEBUG are debug, FATAL critical. */
const LEVEL_BY_NUMBER: Array<[number, string]> = [
  [8, 'debug'],
  [12, 'info'],
  [16, 'warning'],
  [20, 'error'],
  [24, 'critical'],
];

/** Severity texts seen in the wild (log4j, syslog, Python, Go), for records that carry no number. */
const LEVEL_BY_TEXT: Record<string, string> = {
  trace: 'debug',
  debug: 'debug',
  fine: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
  err: 'error',
  severe: 'error',
  fatal: 'critical',
  critical: 'critical',
  crit: 'critical',
  alert: 'critical',
  emergency: 'critical',
  emerg: 'critical',
  panic: 'critical',
};

/** Columns filled from attributes: the first key present wins; `max` is the column's width. */
const ATTRIBUTE_COLUMNS: Array<{ column: string; of: 'resource' | 'record'; keys: string[]; max: number }> = [
  { column: 'component', of: 'resource', keys: ['service.name'], max: 255 },
  { column: 'hostname', of: 'resource', keys: ['host.name'], max: 255 },
  { column: 'version', of: 'resource', keys: ['service.version'], max: 50 },
  { column: 'environment', of: 'resource', keys: ['deployment.environment.name', 'deployment.environment'], max: 50 },
  { column: 'user_id', of: 'record', keys: ['enduser.id', 'user.id'], max: 255 },
  { column: 'user_email', of: 'record', keys: ['user.email'], max: 255 },
  { column: 'request_method', of: 'record', keys: ['http.request.method', 'http.method'], max: 10 },
  { column: 'request_path', of: 'record', keys: ['url.path', 'http.target', 'http.route'], max: 2000 },
];

export function levelOf(severityNumber: number, severityText: string | null): string {
  if (severityNumber > 0) return LEVEL_BY_NUMBER.find(([max]) => severityNumber <= max)?.[1] ?? 'critical';
  return (severityText && LEVEL_BY_TEXT[severityText.trim().toLowerCase()]) || 'info';
}

/** The message column: a string body as it is, any other body as its JSON (the body column keeps the value itself). */
export function messageOf(body: unknown): string {
  if (body === null || body === undefined) return '';
  return typeof body === 'string' ? body : JSON.stringify(body);
}

const first = (attributes: Record<string, unknown>, keys: string[]): unknown => {
  for (const key of keys) if (attributes[key] !== undefined && attributes[key] !== null && attributes[key] !== '') return attributes[key];
  return undefined;
};

function errorDetails(a: Record<string, unknown>): Record<string, unknown> | null {
  if (a['exception.type'] === undefined && a['exception.message'] === undefined) return null;
  return { type: a['exception.type'] ?? null, message: a['exception.message'] ?? null, stacktrace: a['exception.stacktrace'] ?? null };
}

/** The record's identity: all it carries, its resource and scope included. A resent record gets the same id. */
export function logRecordId(r: LogRecordIn): string {
  return nameUuid(
    canonicalJson([
      r.timeNanos.toString(),
      r.observedNanos?.toString() ?? null,
      r.severityNumber,
      r.severityText,
      r.body,
      r.eventName,
      r.attributes,
      r.flags,
      r.traceId,
      r.spanId,
      r.resourceAttributes,
      r.scopeName,
      r.scopeVersion,
    ]),
  );
}

export function logRow(r: LogRecordIn): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: logRecordId(r),
    timestamp: timestampOf(r.timeNanos),
    observed_timestamp: r.observedNanos === null ? null : timestampOf(r.observedNanos),
    level: levelOf(r.severityNumber, r.severityText),
    severity_number: r.severityNumber,
    severity_text: r.severityText,
    message: messageOf(r.body),
    body: r.body === undefined ? null : r.body,
    event_name: r.eventName,
    logger: r.scopeName,
    scope_version: r.scopeVersion,
    attributes: r.attributes,
    resource_attributes: r.resourceAttributes,
    trace_id: r.traceId,
    span_id: r.spanId,
    trace_flags: r.flags & 0xff,
    is_security_event: false,
    error_details: errorDetails(r.attributes),
    process_id: processId(r.resourceAttributes['process.pid']),
  };
  for (const { column, of, keys, max } of ATTRIBUTE_COLUMNS) {
    const value = first(of === 'resource' ? r.resourceAttributes : r.attributes, keys);
    row[column] = value === undefined ? null : String(value).slice(0, max);
  }
  return row;
}

const processId = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2 ** 31 - 1 ? value : null;
