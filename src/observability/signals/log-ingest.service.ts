import { Injectable } from '@nestjs/common';
import { InjectSettings, PartitionSettings, TracesSettings, WriterSettings } from '../../config/settings';
import { LOGS_DB } from '../../database/roles';
import { RowWriter } from '../../writer/row-writer';
import { LogRecordIn, readLogsRequest } from '../otlp/otlp-logs-request';
import { logRow } from './log-rows';
import { TablePipeline } from './signal-pipeline';

export const LOG_ENTRIES_TABLE = 'structured_log_entries';

/**
 * The OTLP logs pipeline: log records into the logs role's structured_log_entries, through the
 * shared writer (with the logs role's durability, LOGS_DB_DURABLE). Ids come from each
 * record's content, so a resent batch is stored once.
 */
@Injectable()
export class LogIngestService extends TablePipeline<LogRecordIn> {
  constructor(
    writer: RowWriter,
    @InjectSettings('traces') traces: TracesSettings,
    @InjectSettings('partitions') partitions: PartitionSettings,
    @InjectSettings('writer') writerSettings: WriterSettings,
  ) {
    super(writer, writerSettings.flushMs, {
      signal: 'logs',
      noun: 'log record',
      what: 'log',
      role: LOGS_DB,
      table: LOG_ENTRIES_TABLE,
      retentionDays: partitions.groups.logs.retentionDays,
      maxItems: traces.maxLogRecordsPerRequest,
      read: (reader, message, { maxItems, ...window }) => {
        const { records, rejected, reasons } = readLogsRequest(reader, message, { ...window, maxRecords: maxItems });
        return { items: records, rejected, reasons };
      },
      rows: (records) => records.map(logRow),
    });
  }
}
