import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LOGS_DB } from '../database/roles';
import { LOGS_ENTITIES } from './logs.entities';

/** Owns the logs role's entities; its repositories are injected under LOGS_DB. */
@Module({
  imports: [TypeOrmModule.forFeature(LOGS_ENTITIES, LOGS_DB)],
  exports: [TypeOrmModule],
})
export class LogsModule {}
