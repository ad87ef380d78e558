import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { METRICS_DB } from '../database/roles';
import { EntityNameCache } from './ingest/entity-name.cache';
import { MetricsIngestService } from './ingest/metrics-ingest.service';
import { MetricsController } from './metrics.controller';
import { METRICS_ENTITIES } from './metrics.entities';
import { PerformanceService } from './performance/performance.service';
import { MetricsQueryService } from './query/metrics-query.service';
import { RollupService } from './rollup/rollup.service';

/** Owns the metrics role's entities (repositories injected under METRICS_DB), ingest, rollups and queries. */
@Module({
  imports: [TypeOrmModule.forFeature(METRICS_ENTITIES, METRICS_DB)],
  controllers: [MetricsController],
  providers: [EntityNameCache, MetricsIngestService, MetricsQueryService, RollupService, PerformanceService],
  exports: [TypeOrmModule, EntityNameCache, RollupService, PerformanceService],
})
export class MetricsModule {}
