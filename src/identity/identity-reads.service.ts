import { Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hasPermission, PERMISSIONS } from '../auth/permissions';
import { Principal } from '../auth/principal';
import { CORE_DB, LOGS_DB, METRICS_DB } from '../database/roles';
import { AuthEventQueryDto, PermissionAuditQueryDto, TokenUsageQueryDto, UsageWindowDto } from './dto/tokens.dto';
import { cursorMicros, DEFAULT_LIMIT, timePage, timePageSql, timeWindow } from './time-page';

/** Routes, as counted: every UUID in a path reads `:id`, so that one route is one row whatever the entity. */
const ROUTE = `regexp_replace(endpoint, '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}', ':id', 'g')`;
/** Route and status groups one usage summary returns at most. */
const MAX_GROUPS = 500;

type Condition = [sql: (n: number) => string, value: unknown];

/**
 * Reads of what authentication writes: auth events (core), token usage and blocked requests
 * (metrics), permission decisions (logs). Each role is asked through its own DataSource;
 * every read is bounded by a window of its time column (the partition key of the partitioned
 * tables), newest first, paged by (time, id).
 */
@Injectable()
export class IdentityReadsService {
  constructor(
    @InjectDataSource(CORE_DB) private readonly core: DataSource,
    @InjectDataSource(METRICS_DB) private readonly metrics: DataSource,
    @InjectDataSource(LOGS_DB) private readonly logs: DataSource,
  ) {}

  authEvents(q: AuthEventQueryDto) {
    return this.page(this.core, {
      table: 'email_auth_events',
      columns: 'id, "timestamp", user_email, event_type, success, ip_address, failure_reason, details',
      idType: 'varchar',
      conditions: [
        q.user_email !== undefined && [(n) => `user_email = $${n}`, q.user_email.toLowerCase()],
        q.event_type !== undefined && [(n) => `event_type = $${n}`, q.event_type],
        q.success !== undefined && [(n) => `success = $${n}`, q.success],
        q.ip_address !== undefined && [(n) => `ip_address = $${n}`, q.ip_address],
      ],
      q,
    });
  }

  tokenUsageRows(q: TokenUsageQueryDto) {
    return this.page(this.metrics, {
      table: 'token_usage_logs',
      columns: 'id, "timestamp", token_jti, user_email, endpoint, method, ip_address, status_code, response_time_ms, blocked, block_reason',
      idType: 'uuid',
      conditions: [
        q.token_jti !== undefined && [(n) => `token_jti = $${n}`, q.token_jti],
        q.user_email !== undefined && [(n) => `user_email = $${n}`, q.user_email.toLowerCase()],
        q.blocked !== undefined && [(n) => `blocked = $${n}`, q.blocked],
      ],
      q,
    });
  }

  permissionAudit(q: PermissionAuditQueryDto) {
    return this.page(this.logs, {
      table: 'permission_audit_log',
      columns: 'id, "timestamp", user_email, permission, resource_type, resource_id, team_id, granted, roles_checked, ip_address',
      idType: 'uuid',
      conditions: [
        q.user_email !== undefined && [(n) => `user_email = $${n}`, q.user_email.toLowerCase()],
        q.permission !== undefined && [(n) => `permission = $${n}`, q.permission],
        q.granted !== undefined && [(n) => `granted = $${n}`, q.granted],
        q.resource_type !== undefined && [(n) => `resource_type = $${n}`, q.resource_type],
      ],
      q,
    });
  }

  /**
   * One token's requests over a window, by route, method and status, with totals and the
   * blocked ones: for the token's owner and tokens.manage (anyone else: 404, as for a missing token).
   */
  async tokenUsage(principal: Principal, jti: string, q: UsageWindowDto) {
    const [token] = (await this.core.query(`SELECT user_email FROM email_api_tokens WHERE jti = $1`, [jti])) as Array<{
      user_email: string;
    }>;
    if (!token || (token.user_email !== principal.email && !hasPermission(principal.permissions, PERMISSIONS.tokensManage)))
      throw new NotFoundException(`no token with jti ${jti}`);
    const window = timeWindow(q);
    const params = [jti, window.since, window.until];
    const where = `token_jti = $1 AND "timestamp" >= $2 AND "timestamp" < $3`;
    const [totals, groups] = await this.guard(() =>
      Promise.all([
        this.metrics.query(
          `SELECT count(*)::int AS requests, (count(*) FILTER (WHERE blocked))::int AS blocked,
                  (count(*) FILTER (WHERE status_code >= 400))::int AS errors, min("timestamp") AS first, max("timestamp") AS last
             FROM token_usage_logs WHERE ${where}`,
          params,
        ) as Promise<Array<Record<string, unknown>>>,
        this.metrics.query(
          `SELECT ${ROUTE} AS route, method, status_code, count(*)::int AS requests, (count(*) FILTER (WHERE blocked))::int AS blocked,
                  round(avg(response_time_ms)::numeric, 2)::float8 AS avg_response_time_ms
             FROM token_usage_logs WHERE ${where}
            GROUP BY 1, 2, 3 ORDER BY requests DESC, route, method, status_code LIMIT ${MAX_GROUPS}`,
          params,
        ) as Promise<Array<Record<string, unknown>>>,
      ]),
    );
    const t = totals[0];
    return {
      token_jti: jti,
      user_email: token.user_email,
      since: window.since.toISOString(),
      until: window.until.toISOString(),
      requests: t.requests,
      blocked: t.blocked,
      errors: t.errors,
      first_request: t.first instanceof Date ? t.first.toISOString() : null,
      last_request: t.last instanceof Date ? t.last.toISOString() : null,
      by_route: groups,
    };
  }

  private async page(
    db: DataSource,
    spec: {
      table: string;
      columns: string;
      idType: 'uuid' | 'varchar';
      conditions: Array<Condition | false>;
      q: { since?: Date; until?: Date; cursor?: string; limit?: number };
    },
  ) {
    const limit = spec.q.limit ?? DEFAULT_LIMIT;
    const params: unknown[] = [];
    const own: string[] = [];
    for (const c of spec.conditions) {
      if (!c) continue;
      params.push(c[1]);
      own.push(c[0](params.length));
    }
    const sql = timePageSql({
      timeColumn: '"timestamp"',
      idColumn: 'id',
      idType: spec.idType,
      window: timeWindow(spec.q),
      cursor: spec.q.cursor,
      params,
    });
    const rows = (await this.guard(() =>
      db.query(
        `SELECT ${spec.columns}, ${cursorMicros('"timestamp"')} FROM ${spec.table}
          WHERE ${[...own, sql.where].join(' AND ')} ORDER BY ${sql.orderBy} LIMIT ${limit + 1}`,
        sql.params,
      ),
    )) as Array<{ id: string; cursor_micros: string; timestamp: Date }>;
    const page = timePage(rows, limit);
    return { items: page.rows.map((r) => ({ ...r, timestamp: r.timestamp.toISOString() })), next_cursor: page.next_cursor };
  }

  /** A role database that does not answer is a 503 saying so, not a 500. */
  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (/connect|terminat|ECONNREFUSED|Connection/i.test((error as Error).message))
        throw new ServiceUnavailableException('that database is not reachable; retry later');
      throw error;
    }
  }
}
