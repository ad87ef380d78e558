import { Injectable } from '@nestjs/common';
import { Role } from '../database/roles';
import { RowWriter } from '../writer/row-writer';

type Row = Record<string, unknown>;

/**
 * The one door from request handling to the append-only tables (audit, permission audit,
 * structured logs, security events, auth events, token usage): the shared buffered COPY
 * writer (src/writer), which spools to disk while a database is down and replays in order.
 * Rows are keyed by column name; ids are assigned here by the callers (UUIDv7), so a replay
 * never counts a row twice.
 */
@Injectable()
export class RowSink {
  constructor(private readonly writer: RowWriter) {}

  /** Buffered, relaxed commit (logs tables fsync'd to the spool when LOGS_DB_DURABLE). Throws WriterFullError when full. */
  enqueue(role: Role, table: string, rows: Row[]): void {
    this.writer.enqueue(role, table, rows);
  }

  /** Resolves once committed with synchronous_commit = on (group commit), or fsync'd to the spool. */
  writeDurable(role: Role, table: string, rows: Row[]): Promise<void> {
    return this.writer.writeDurable(role, table, rows);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
