import { Provider } from '@nestjs/common';
import { TraceIngestService } from '../observability/ingest/trace-ingest.service';
import { LogIngestService } from '../observability/signals/log-ingest.service';
import { MetricIngestService } from '../observability/signals/metric-ingest.service';
import { SignalPipeline } from '../observability/signals/signal-pipeline';

/** The signal pipelines every OTLP receiver serves (gRPC: their collector services; HTTP: /v1/<signal>). */
export const OTLP_PIPELINES = Symbol('OTLP_PIPELINES');

/**
 * One entry per signal: add a pipeline's class here (and its module to OtlpModule's imports)
 * and both transports serve it.
 */
const PIPELINES = [TraceIngestService, MetricIngestService, LogIngestService];

export const otlpPipelinesProvider: Provider = {
  provide: OTLP_PIPELINES,
  inject: PIPELINES,
  useFactory: (...pipelines: SignalPipeline[]): SignalPipeline[] => {
    const signals = pipelines.map((p) => p.signal);
    if (new Set(signals).size !== signals.length) throw new Error(`two OTLP pipelines for one signal: ${signals.join(', ')}`);
    return pipelines;
  },
};
