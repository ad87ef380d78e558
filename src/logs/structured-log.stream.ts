import { hostname } from 'node:os';
import { uuidv7 } from '../common/ids';
import { storedLevelOfNumber } from '../common/log-levels';
import { LOGS_DB } from '../database/roles';
import { RowWriter } from '../writer/row-writer';


/** Keys mapped to columns; everything else lands in `context`. */
const MAPPED = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'context',
  'req',
  'res',
  'responseTime',
  'user',
  'user_id',
  'err',
  'reqId',
]);

/** Components whose own records must not feed back into the writer they report on. */
const SELF = new Set(['Writer', 'RowWriter']);

interface PinoRecord {
  level: number;
  time?: number;
  msg?: string;
  context?: string;
  req?: { id?: string; method?: string; url?: string; remoteAddress?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  user?: string;
  user_id?: string;
  err?: { type?: string; message?: string; stack?: string };
  [key: string]: unknown;
}

/**
 * A pino destination that turns each record (already redacted by pino) into a
 * structured_log_entries row for the buffered writer. pino's multistream sends it only
 * records at or above LOG_DB_LEVEL.
 */
export class StructuredLogStream {
  private readonly host = hostname();

  constructor(
    private readonly writer: RowWriter,
    private readonly version: string,
  ) {}

  write(line: string): void {
    let record: PinoRecord;
    try {
      record = JSON.parse(line) as PinoRecord;
    } catch {
      return;
    }
    if (record.context && SELF.has(record.context)) return;
    try {
      this.writer.enqueue(LOGS_DB, 'structured_log_entries', [this.toRow(record)]);
    } catch {
      // A full writer drops log rows (stdout still has them) rather than fail the caller.
    }
  }

  toRow(r: PinoRecord): Record<string, unknown> {
    const extra = Object.fromEntries(Object.entries(r).filter(([k]) => !MAPPED.has(k)));
    const path = r.req?.url?.split('?')[0] ?? null;
    return {
      id: uuidv7(),
      timestamp: new Date(r.time ?? Date.now()),
      correlation_id: r.req?.id ?? null,
      request_id: r.req?.id ?? null,
      level: storedLevelOfNumber(r.level),
      component: r.context ?? (r.req ? 'http' : null),
      message: r.msg ?? '',
      logger: r.context ?? null,
      user_id: r.user_id ?? null,
      user_email: r.user ?? null,
      client_ip: r.req?.remoteAddress?.replace(/^::ffff:/, '').slice(0, 45) ?? null,
      request_path: path,
      request_method: r.req?.method ?? null,
      duration_ms: typeof r.responseTime === 'number' ? r.responseTime : null,
      operation_type: r.req ? 'http_request' : null,
      is_security_event: false,
      context: { ...extra, ...(r.res?.statusCode ? { status_code: r.res.statusCode } : {}) },
      error_details: r.err ? { type: r.err.type, message: r.err.message } : null,
      hostname: this.host,
      process_id: process.pid,
      version: this.version,
      environment: process.env.NODE_ENV ?? null,
    };
  }
}
