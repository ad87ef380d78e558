import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CORE_DB } from '../database/roles';
import { CORE_ENTITIES } from './core.entities';

/** Owns the core role's entities; its repositories are injected under CORE_DB. */
@Module({
  imports: [TypeOrmModule.forFeature(CORE_ENTITIES, CORE_DB)],
  exports: [TypeOrmModule],
})
export class CoreModule {}
