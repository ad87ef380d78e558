import { Body, Controller, Get, HttpCode, Post, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { LOGS_DB } from '../database/roles';
import { AuditTrail } from './entities/audit-trail.entity';
import { SecurityEvent } from './entities/security-event.entity';
import { StructuredLogEntry } from './entities/structured-log-entry.entity';
import { AuditQueryDto, LOG_LEVELS, LogSearchDto, SecurityEventQueryDto } from './logs-query.dto';

const DEFAULT_LIMIT = 100;

/** snake_case keys, ISO dates: the same shape as the tables. */
function toApi(dataSource: DataSource, target: new () => object, row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of dataSource.getMetadata(target).columns) {
    const v = (row as Record<string, unknown>)[c.propertyName];
    out[c.databaseName] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/** Operators' read APIs over the logs database; every filter is a bound parameter. */
@ApiTags('audit and logs')
@Controller('api/v1')
export class LogsQueryController {
  constructor(@InjectDataSource(LOGS_DB) private readonly logs: DataSource) {}

  @Get('audit-trails')
  @RequirePermission(PERMISSIONS.auditRead)
  @ApiOperation({ summary: 'Audit trail, newest first; filter by resource, user, action, request and time' })
  async auditTrails(@Query() q: AuditQueryDto) {
    const qb = this.repo(AuditTrail).createQueryBuilder('a');
    if (q.resource_type) qb.andWhere('a.resource_type = :rt', { rt: q.resource_type });
    if (q.resource_id) qb.andWhere('a.resource_id = :rid', { rid: q.resource_id });
    if (q.user_email) qb.andWhere('a.user_email = :ue', { ue: q.user_email });
    if (q.action) qb.andWhere('a.action = :ac', { ac: q.action });
    if (q.request_id) qb.andWhere('a.request_id = :req', { req: q.request_id });
    return { items: await this.run(qb, 'a', q, AuditTrail) };
  }

  @Post('logs/search')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.logsRead)
  @ApiOperation({ summary: 'Search structured logs: level (at or above), component, text, request id, time range' })
  async searchLogs(@Body() q: LogSearchDto) {
    const qb = this.repo(StructuredLogEntry).createQueryBuilder('l');
    if (q.level) qb.andWhere('l.level IN (:...levels)', { levels: LOG_LEVELS.slice(LOG_LEVELS.indexOf(q.level)) });
    if (q.component) qb.andWhere('l.component = :component', { component: q.component });
    if (q.request_id) qb.andWhere('l.request_id = :req', { req: q.request_id });
    if (q.text) qb.andWhere(`l.message ILIKE :text ESCAPE '\\'`, { text: `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    return { items: await this.run(qb, 'l', q, StructuredLogEntry) };
  }

  @Get('security-events')
  @RequirePermission(PERMISSIONS.securityRead)
  @ApiOperation({ summary: 'Security events, newest first' })
  async securityEvents(@Query() q: SecurityEventQueryDto) {
    const qb = this.repo(SecurityEvent).createQueryBuilder('s');
    if (q.client_ip) qb.andWhere('s.client_ip = :ip', { ip: q.client_ip });
    if (q.event_type) qb.andWhere('s.event_type = :et', { et: q.event_type });
    return { items: await this.run(qb, 's', q, SecurityEvent) };
  }

  private repo<T extends ObjectLiteral>(target: new () => T) {
    if (!this.logs.isInitialized) throw new ServiceUnavailableException('the logs database is not reachable; retry later');
    return this.logs.getRepository(target);
  }

  private async run<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    alias: string,
    q: { since?: Date; until?: Date; limit?: number },
    target: new () => T,
  ) {
    if (q.since) qb.andWhere(`${alias}.timestamp >= :since`, { since: q.since });
    if (q.until) qb.andWhere(`${alias}.timestamp < :until`, { until: q.until });
    qb.orderBy(`${alias}.timestamp`, 'DESC')
      .addOrderBy(`${alias}.id`, 'DESC')
      .take(q.limit ?? DEFAULT_LIMIT);
    try {
      return (await qb.getMany()).map((row) => toApi(this.logs, target, row));
    } catch (error) {
      if (/connect|terminat|ECONNREFUSED|Connection/i.test((error as Error).message)) {
        throw new ServiceUnavailableException('the logs database is not reachable; retry later');
      }
      throw error;
    }
  }
}
