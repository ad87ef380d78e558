import { Injectable } from '@nestjs/common';
import { PERMISSIONS } from '../../auth/permissions';
import type { Principal } from '../../auth/principal';
import { DAY_MS, HOUR_MS } from '../../common/time';
import { InjectSettings, TracesSettings, WriterSettings } from '../../config/settings';
import { OBSERVABILITY_DB } from '../../database/roles';
import { RowWriter } from '../../writer/row-writer';
import { DecodedOtlpRequest, readOtlp, SignalOutcome } from '../otlp/otlp-decode';
import { readMetricsRequest } from '../otlp/otlp-metrics-request';
import { metricRows } from './metric-rows';
import { distinct, SignalPipeline, TableIntake } from './signal-pipeline';

export const METRICS_TABLE = 'observability_metrics';

/**
 * The OTLP metrics pipeline: data points of every type into observability_metrics, through
 * the shared writer. Ids come from each point's series and times: a resent batch adds nothing.
 */
@Injectable()
export class MetricIngestService implements SignalPipeline {
  readonly signal = 'metrics' as const;
  readonly noun = 'data point';
  readonly permission = PERMISSIONS.tracesWrite;
  private readonly intake: TableIntake;

  constructor(
    writer: RowWriter,
    @InjectSettings('traces') private readonly settings: TracesSettings,
    @InjectSettings('writer') writerSettings: WriterSettings,
  ) {
    this.intake = new TableIntake(writer, OBSERVABILITY_DB, METRICS_TABLE, writerSettings.flushMs, 'metric');
  }

  waitForRoom(): Promise<boolean> {
    return this.intake.waitForRoom();
  }

  refusal() {
    return this.intake.refusal();
  }

  ingest(request: DecodedOtlpRequest, _principal?: Principal, now = Date.now()): SignalOutcome {
    const result = readOtlp(this.signal, () =>
      readMetricsRequest(request.reader, request.message, {
        oldestMs: now - this.settings.retentionDays * DAY_MS,
        newestMs: now + HOUR_MS,
        maxPoints: this.settings.maxDataPointsPerRequest,
      }),
    );
    this.intake.store(distinct(metricRows(result.points)));
    return { accepted: result.points.length, rejected: result.rejected, reasons: result.reasons };
  }
}
