import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module';
import { PartitioningModule } from '../partitioning/partitioning.module';
import { MetricsAnalyticsController } from './analytics/metrics-analytics.controller';
import { MetricsAnalyticsService } from './analytics/metrics-analytics.service';
import { SpanMetricsService } from './from-spans/span-metrics.service';
import { EntityNameCache } from './ingest/entity-name.cache';
import { MetricsIngestService } from './ingest/metrics-ingest.service';
import { MetricsController } from './metrics.controller';
import { PerformanceService } from './performance/performance.service';
import { MetricsAccessService } from './query/metrics-access.service';
import { MetricsQueryService } from './query/metrics-query.service';
import { RollupService } from './rollup/rollup.service';

/** Execution metrics: ingest, rollups, queries and self-measurement (the role itself: metrics.role.ts). */
@Module({
  imports: [RegistryModule, PartitioningModule],
  controllers: [MetricsController, MetricsAnalyticsController],
  providers: [
    EntityNameCache,
    MetricsIngestService,
    SpanMetricsService,
    MetricsQueryService,
    MetricsAnalyticsService,
    MetricsAccessService,
    RollupService,
    PerformanceService,
  ],
  exports: [EntityNameCache, SpanMetricsService, RollupService, PerformanceService],
})
export class MetricsModule {}
