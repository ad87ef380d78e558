import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { RegistryModule } from '../registry/registry.module';
import { HourlyFoldsService } from './folds/hourly-folds.service';
import { TraceIngestService } from './ingest/trace-ingest.service';
import { JaegerController } from './jaeger/jaeger.controller';
import { TraceQueryController } from './query/trace-query.controller';
import { TraceQueryService } from './query/trace-query.service';
import { OtelMetricsController } from './otel-metrics/otel-metrics.controller';
import { OtelMetricsService } from './otel-metrics/otel-metrics.service';
import { SavedQueryController } from './saved-queries/saved-query.controller';
import { SavedQueryService } from './saved-queries/saved-query.service';
import { LogIngestService } from './signals/log-ingest.service';
import { MetricIngestService } from './signals/metric-ingest.service';

/** Traces, OTLP metrics and logs: their pipelines (served by the receivers of src/otlp/), queries and saved queries (the role itself: observability.role.ts). */
@Module({
  // Metrics from spans: the trace pipeline derives execution rows (src/metrics/from-spans).
  imports: [MetricsModule, RegistryModule],
  // Saved queries first: /api/v1/traces/saved-queries must not be taken for a trace id.
  controllers: [OtelMetricsController, SavedQueryController, TraceQueryController, JaegerController],
  providers: [TraceIngestService, MetricIngestService, LogIngestService, OtelMetricsService, TraceQueryService, SavedQueryService, HourlyFoldsService],
  exports: [TraceIngestService, MetricIngestService, LogIngestService],
})
export class ObservabilityModule {}
