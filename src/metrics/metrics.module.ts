import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { METRICS_DB } from '../database/roles';
import { METRICS_ENTITIES } from './metrics.entities';

/** Owns the metrics role's entities; its repositories are injected under METRICS_DB. */
@Module({
  imports: [TypeOrmModule.forFeature(METRICS_ENTITIES, METRICS_DB)],
  exports: [TypeOrmModule],
})
export class MetricsModule {}
