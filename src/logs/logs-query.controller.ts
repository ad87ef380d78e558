import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { AuditQueryDto, LogSearchDto, SecurityEventQueryDto } from './logs-query.dto';
import { LogItems, LogsQueryService } from './logs-query.service';

/** Operators' read APIs over the logs database. */
@ApiTags('audit and logs')
@Controller('api/v1')
export class LogsQueryController {
  constructor(private readonly logsQuery: LogsQueryService) {}

  @Get('audit-trails')
  @RequirePermission(PERMISSIONS.auditRead)
  @ApiOperation({ summary: 'Audit trail, newest first; filter by resource, user, action, request and time' })
  auditTrails(@Query() q: AuditQueryDto): Promise<LogItems> {
    return this.logsQuery.auditTrails(q);
  }

  @Post('logs/search')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.logsRead)
  @ApiOperation({ summary: 'Search structured logs: level (at or above), component, text, request id, time range' })
  searchLogs(@Body() q: LogSearchDto): Promise<LogItems> {
    return this.logsQuery.searchLogs(q);
  }

  @Get('security-events')
  @RequirePermission(PERMISSIONS.securityRead)
  @ApiOperation({ summary: 'Security events, newest first' })
  securityEvents(@Query() q: SecurityEventQueryDto): Promise<LogItems> {
    return this.logsQuery.securityEvents(q);
  }
}
