import { anyValue, keyValues, OtlpReader, OtlpTooManyItems, otlpInt32 } from './otlp-values';

/**
 * An ExportLogsServiceRequest (decoded protobuf or parsed OTLP/JSON) turned into log records,
 * as otlp-request.ts does for spans: a malformed message throws OtlpFormatError (400, nothing
 * written); a well-formed record that cannot be stored (no time at all, a time outside what
 * retention keeps) is rejected alone and counted in partial_success.
 */

export const SEVERITY_NAMES = ['UNSPECIFIED', 'TRACE', 'TRACE2', 'TRACE3', 'TRACE4', 'DEBUG', 'DEBUG2', 'DEBUG3', 'DEBUG4']
  .concat(['INFO', 'INFO2', 'INFO3', 'INFO4', 'WARN', 'WARN2', 'WARN3', 'WARN4', 'ERROR', 'ERROR2', 'ERROR3', 'ERROR4'])
  .concat(['FATAL', 'FATAL2', 'FATAL3', 'FATAL4'])
  .map((n) => `SEVERITY_NUMBER_${n}`);

export interface LogRecordIn {
  /** The event's time; its observed time when the source gave none (as the OTLP spec says). */
  timeNanos: bigint;
  /** When the collector or SDK saw it; null when absent. */
  observedNanos: bigint | null;
  severityNumber: number;
  severityText: string | null;
  /** The body, any AnyValue, as plain JSON (a string stays a string). */
  body: unknown;
  eventName: string | null;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
  flags: number;
  traceId: string | null;
  spanId: string | null;
  /** Shared by every record of one resource or scope. */
  resourceAttributes: Record<string, unknown>;
  scopeName: string | null;
  scopeVersion: string | null;
}

export interface LogReadOptions {
  /** Records older than this (Unix ms) are rejected: retention already dropped their partition. */
  oldestMs: number;
  newestMs: number;
  maxRecords: number;
}

export interface LogReadResult {
  records: LogRecordIn[];
  rejected: number;
  reasons: string[];
}

const MAX_REASONS = 5;
const NS_PER_MS = 1_000_000n;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export function readLogsRequest(reader: OtlpReader, body: unknown, options: LogReadOptions): LogReadResult {
  const request = reader.message(body, '(body)');
  if (!request) return { records: [], rejected: 0, reasons: [] };
  const result: LogReadResult = { records: [], rejected: 0, reasons: [] };
  let total = 0;
  const resourceLogs = reader.list(request.resourceLogs, 'resourceLogs');
  for (let r = 0; r < resourceLogs.length; r++) {
    const rPath = `resourceLogs[${r}]`;
    const rl = reader.message(resourceLogs[r], rPath);
    if (!rl) continue;
    const resource = reader.message(rl.resource, `${rPath}.resource`);
    const resourceAttributes = keyValues(reader, resource?.attributes, `${rPath}.resource.attributes`);
    const scopeLogs = reader.list(rl.scopeLogs, `${rPath}.scopeLogs`);
    for (let s = 0; s < scopeLogs.length; s++) {
      const sPath = `${rPath}.scopeLogs[${s}]`;
      const sl = reader.message(scopeLogs[s], sPath);
      if (!sl) continue;
      const scope = reader.message(sl.scope, `${sPath}.scope`);
      const context = {
        resourceAttributes,
        scopeName: reader.string(scope?.name, `${sPath}.scope.name`)?.slice(0, 255) || null,
        scopeVersion: reader.string(scope?.version, `${sPath}.scope.version`)?.slice(0, 255) || null,
      };
      const records = reader.list(sl.logRecords, `${sPath}.logRecords`);
      total += records.length;
      if (total > options.maxRecords) throw new OtlpTooManyItems(options.maxRecords, 'log records', 'OTLP_MAX_LOG_RECORDS_PER_REQUEST');
      for (let i = 0; i < records.length; i++) {
        const path = `${sPath}.logRecords[${i}]`;
        const outcome = readRecord(reader, records[i], path, options);
        if (typeof outcome === 'string') {
          result.rejected++;
          if (result.reasons.length < MAX_REASONS) result.reasons.push(`${path}: ${outcome}`);
        } else result.records.push({ ...outcome, ...context });
      }
    }
  }
  return result;
}

type RecordFields = Omit<LogRecordIn, 'resourceAttributes' | 'scopeName' | 'scopeVersion'>;

function readRecord(reader: OtlpReader, raw: unknown, path: string, options: LogReadOptions): RecordFields | string {
  const record = reader.message(raw, path) ?? {};
  const timeNanos = reader.nanos(record.timeUnixNano, `${path}.timeUnixNano`);
  const observedNanos = reader.nanos(record.observedTimeUnixNano, `${path}.observedTimeUnixNano`);
  const severityNumber = reader.enumValue(record.severityNumber, SEVERITY_NAMES, `${path}.severityNumber`);
  const fields: RecordFields = {
    timeNanos: timeNanos || observedNanos,
    observedNanos: observedNanos || null,
    severityNumber,
    severityText: reader.string(record.severityText, `${path}.severityText`)?.slice(0, 50) || null,
    body: anyValue(reader, record.body, `${path}.body`),
    eventName: reader.string(record.eventName, `${path}.eventName`)?.slice(0, 255) || null,
    attributes: keyValues(reader, record.attributes, `${path}.attributes`),
    droppedAttributesCount: otlpInt32(record.droppedAttributesCount, `${path}.droppedAttributesCount`),
    flags: otlpInt32(record.flags, `${path}.flags`),
    traceId: reader.id(record.traceId, 16, `${path}.traceId`),
    spanId: reader.id(record.spanId, 8, `${path}.spanId`),
  };
  if (fields.traceId === ZERO_TRACE) fields.traceId = null;
  if (fields.spanId === ZERO_SPAN) fields.spanId = null;
  if (severityNumber < 0 || severityNumber >= SEVERITY_NAMES.length) return `severityNumber ${severityNumber} is not a severity (0 to 24)`;
  if (fields.timeNanos === 0n) return 'timeUnixNano and observedTimeUnixNano are both missing';
  const ms = Number(fields.timeNanos / NS_PER_MS);
  if (ms < options.oldestMs) return 'is older than the retention window (LOGS_RETENTION_DAYS)';
  if (ms > options.newestMs) return 'is more than an hour in the future';
  return fields;
}
