import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LOGS_DB } from '../database/roles';
import { AuditService } from './audit.service';
import { LOGS_ENTITIES } from './logs.entities';
import { LogsQueryController } from './logs-query.controller';
import { PermissionAuditService } from './permission-audit.service';
import { SecurityEventsService } from './security-events.service';

/**
 * Owns the logs role's entities (repositories injected under LOGS_DB) and the services that
 * write them: audit trails, permission decisions, security events. Global: every module
 * that changes data audits it.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(LOGS_ENTITIES, LOGS_DB)],
  controllers: [LogsQueryController],
  providers: [AuditService, PermissionAuditService, SecurityEventsService],
  exports: [TypeOrmModule, AuditService, PermissionAuditService, SecurityEventsService],
})
export class LogsModule {}
