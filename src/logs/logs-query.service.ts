import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { LOGS_DB } from '../database/roles';
import { ApiObject, rowToApi } from '../http/api-json';
import { AuditTrail } from './entities/audit-trail.entity';
import { SecurityEvent } from './entities/security-event.entity';
import { StructuredLogEntry } from './entities/structured-log-entry.entity';
import { STORED_LEVELS } from '../common/log-levels';
import { AuditQueryDto, LogSearchDto, SecurityEventQueryDto } from './logs-query.dto';

const DEFAULT_LIMIT = 100;

export interface LogItems {
  items: ApiObject[];
}

/** Operators' reads over the logs database, newest first; every filter is a bound parameter. */
@Injectable()
export class LogsQueryService {
  constructor(@InjectDataSource(LOGS_DB) private readonly logs: DataSource) {}

  async auditTrails(q: AuditQueryDto): Promise<LogItems> {
    const qb = this.repo(AuditTrail).createQueryBuilder('a');
    if (q.resource_type) qb.andWhere('a.resource_type = :rt', { rt: q.resource_type });
    if (q.resource_id) qb.andWhere('a.resource_id = :rid', { rid: q.resource_id });
    if (q.user_email) qb.andWhere('a.user_email = :ue', { ue: q.user_email });
    if (q.action) qb.andWhere('a.action = :ac', { ac: q.action });
    if (q.request_id) qb.andWhere('a.request_id = :req', { req: q.request_id });
    return { items: await this.run(qb, 'a', q, AuditTrail) };
  }

  async searchLogs(q: LogSearchDto): Promise<LogItems> {
    const qb = this.repo(StructuredLogEntry).createQueryBuilder('l');
    if (q.level) qb.andWhere('l.level IN (:...levels)', { levels: STORED_LEVELS.slice(STORED_LEVELS.indexOf(q.level)) });
    if (q.component) qb.andWhere('l.component = :component', { component: q.component });
    if (q.request_id) qb.andWhere('l.request_id = :req', { req: q.request_id });
    if (q.trace_id) qb.andWhere('l.trace_id = :trace', { trace: q.trace_id.toLowerCase() });
    if (q.text) qb.andWhere(`l.message ILIKE :text ESCAPE '\\'`, { text: `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    return { items: await this.run(qb, 'l', q, StructuredLogEntry) };
  }

  /**
   * The log records of one trace, oldest first, from the logs database alone (the trace comes
   * from the observability database: the caller combines them). `from`/`to` bound the partitions read.
   */
  async logsOfTrace(traceId: string, from: Date, to: Date, limit = 1000): Promise<ApiObject[]> {
    const qb = this.repo(StructuredLogEntry)
      .createQueryBuilder('l')
      .where('l.trace_id = :trace', { trace: traceId.toLowerCase() })
      .andWhere('l.timestamp >= :from AND l.timestamp <= :to', { from, to });
    const items = await this.run(qb, 'l', { limit }, StructuredLogEntry);
    return items.reverse();
  }

  async securityEvents(q: SecurityEventQueryDto): Promise<LogItems> {
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
  ): Promise<ApiObject[]> {
    if (q.since) qb.andWhere(`${alias}.timestamp >= :since`, { since: q.since });
    if (q.until) qb.andWhere(`${alias}.timestamp < :until`, { until: q.until });
    qb.orderBy(`${alias}.timestamp`, 'DESC')
      .addOrderBy(`${alias}.id`, 'DESC')
      .take(q.limit ?? DEFAULT_LIMIT);
    try {
      const metadata = this.logs.getMetadata(target);
      return (await qb.getMany()).map((row) => rowToApi(metadata, row));
    } catch (error) {
      if (/connect|terminat|ECONNREFUSED|Connection/i.test((error as Error).message)) {
        throw new ServiceUnavailableException('the logs database is not reachable; retry later');
      }
      throw error;
    }
  }
}
