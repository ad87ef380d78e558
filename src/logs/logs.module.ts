import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';
import { LogsQueryController } from './logs-query.controller';
import { LogsQueryService } from './logs-query.service';
import { PermissionAuditService } from './permission-audit.service';
import { SecurityEventsService } from './security-events.service';

/**
 * The services that write the logs role's tables (the role itself is declared in
 * logs.role.ts): audit trails, permission decisions, security events; and the operators'
 * read API over them. Global: every module that changes data audits it.
 */
@Global()
@Module({
  controllers: [LogsQueryController],
  providers: [AuditService, PermissionAuditService, SecurityEventsService, LogsQueryService],
  exports: [AuditService, PermissionAuditService, SecurityEventsService, LogsQueryService],
})
export class LogsModule {}
