import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OBSERVABILITY_DB } from '../database/roles';
import { OBSERVABILITY_ENTITIES } from './observability.entities';

/** Owns the observability role's entities; its repositories are injected under OBSERVABILITY_DB. */
@Module({
  imports: [TypeOrmModule.forFeature(OBSERVABILITY_ENTITIES, OBSERVABILITY_DB)],
  exports: [TypeOrmModule],
})
export class ObservabilityModule {}
