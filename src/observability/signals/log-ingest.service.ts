import { Injectable } from '@nestjs/common';
import { PERMISSIONS } from '../../auth/permissions';
import type { Principal } from '../../auth/principal';
import { DAY_MS, HOUR_MS } from '../../common/time';
import { InjectSettings, PartitionSettings, TracesSettings, WriterSettings } from '../../config/settings';
import { LOGS_DB } from '../../database/roles';
import { RowWriter } from '../../writer/row-writer';
import { DecodedOtlpRequest, readOtlp, SignalOutcome } from '../otlp/otlp-decode';
import { readLogsRequest } from '../otlp/otlp-logs-request';
import { logRow } from './log-rows';
import { distinct, SignalPipeline, TableIntake } from './signal-pipeline';

export const LOG_ENTRIES_TABLE = 'structured_log_entries';

/**
 * The OTLP logs pipeline: log records into the logs role's structured_log_entries, through the
 * shared writer (with the logs role's durability, LOGS_DB_DURABLE). Ids come from each
 * record's content, so a resent batch is stored once.
 */
@Injectable()
export class LogIngestService implements SignalPipeline {
  readonly signal = 'logs' as const;
  readonly noun = 'log record';
  readonly permission = PERMISSIONS.tracesWrite;
  private readonly intake: TableIntake;

  constructor(
    writer: RowWriter,
    @InjectSettings('traces') private readonly settings: TracesSettings,
    @InjectSettings('partitions') private readonly partitions: PartitionSettings,
    @InjectSettings('writer') writerSettings: WriterSettings,
  ) {
    this.intake = new TableIntake(writer, LOGS_DB, LOG_ENTRIES_TABLE, writerSettings.flushMs, 'log');
  }

  waitForRoom(): Promise<boolean> {
    return this.intake.waitForRoom();
  }

  refusal() {
    return this.intake.refusal();
  }

  ingest(request: DecodedOtlpRequest, _principal?: Principal, now = Date.now()): SignalOutcome {
    const result = readOtlp(this.signal, () =>
      readLogsRequest(request.reader, request.message, {
        oldestMs: now - this.partitions.groups.logs.retentionDays * DAY_MS,
        newestMs: now + HOUR_MS,
        maxRecords: this.settings.maxLogRecordsPerRequest,
      }),
    );
    // Rows are built before anything is buffered: a record that cannot be encoded leaves nothing half-written.
    this.intake.store(distinct(result.records.map(logRow)));
    return { accepted: result.records.length, rejected: result.rejected, reasons: result.reasons };
  }
}
