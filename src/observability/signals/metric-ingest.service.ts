import { Injectable } from '@nestjs/common';
import { InjectSettings, TracesSettings, WriterSettings } from '../../config/settings';
import { OBSERVABILITY_DB } from '../../database/roles';
import { RowWriter } from '../../writer/row-writer';
import { MetricPointIn, readMetricsRequest } from '../otlp/otlp-metrics-request';
import { metricRows } from './metric-rows';
import { TablePipeline } from './signal-pipeline';

export const METRICS_TABLE = 'observability_metrics';

/**
 * The OTLP metrics pipeline: data points of every type into observability_metrics, through
 * the shared writer. Ids come from each point's series and times: a resent batch adds nothing.
 */
@Injectable()
export class MetricIngestService extends TablePipeline<MetricPointIn> {
  constructor(
    writer: RowWriter,
    @InjectSettings('traces') traces: TracesSettings,
    @InjectSettings('writer') writerSettings: WriterSettings,
  ) {
    super(writer, writerSettings.flushMs, {
      signal: 'metrics',
      noun: 'data point',
      what: 'metric',
      role: OBSERVABILITY_DB,
      table: METRICS_TABLE,
      retentionDays: traces.retentionDays,
      maxItems: traces.maxDataPointsPerRequest,
      read: (reader, message, { maxItems, ...window }) => {
        const { points, rejected, reasons } = readMetricsRequest(reader, message, { ...window, maxPoints: maxItems });
        return { items: points, rejected, reasons };
      },
      rows: metricRows,
    });
  }
}
