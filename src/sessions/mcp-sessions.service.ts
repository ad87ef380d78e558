import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Principal, RequestMeta } from '../auth/principal';
import { badField } from '../common/field-errors';
import { uuidv7 } from '../common/ids';
import { sqlState, SQLSTATE } from '../common/pg-errors';
import { InjectSettings, SessionSettings } from '../config/settings';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { AppendedDto, CreateSessionDto, SessionDto } from './sessions.dto';

interface SessionRow {
  session_id: string;
  server_id: string | null;
  user_email: string | null;
  protocol_version: string | null;
  client_info: Record<string, unknown> | null;
  last_event_id: string;
  created_at: Date;
  last_accessed: Date;
}

export interface MessagePage {
  items: Array<{ event_id: number; message: string; created_at: string }>;
  /** The session's last event id when read: more messages follow `items` while it is larger than theirs. */
  last_event_id: number;
}

const COLUMNS = 'session_id, server_id, user_email, protocol_version, client_info, last_event_id, created_at, last_accessed';
/** A session that is open and was used within the TTL ($ttl seconds); any other is gone for the API. */
const ALIVE = `closed_at IS NULL AND last_accessed > now() - make_interval(secs => $2)`;

/**
 * Appends take the next event ids from the session's counter in the statement that inserts
 * the messages: the UPDATE locks the session row until commit, so concurrent appends to one
 * session queue on it and each sees the counter the previous one committed: ids strictly
 * increase, are never reused and never skipped (a failed append rolls its increment back).
 * Messages of one session therefore also commit in event id order: a reader never sees an id
 * before a smaller one. Appends to different sessions do not wait for each other.
 */
const APPEND_SQL = `
  WITH s AS (
    UPDATE mcp_sessions SET last_event_id = last_event_id + $3, last_accessed = now()
     WHERE session_id = $1 AND ${ALIVE}
    RETURNING last_event_id)
  INSERT INTO mcp_messages (id, session_id, event_id, message)
  SELECT m.id, $1, s.last_event_id - $3 + m.ord, m.message
    FROM s, unnest($4::varchar[], $5::text[]) WITH ORDINALITY AS m(id, message, ord)
  RETURNING event_id`;

const toApi = (row: SessionRow): SessionDto => ({
  session_id: row.session_id,
  server_id: row.server_id,
  user_email: row.user_email,
  protocol_version: row.protocol_version,
  client_info: row.client_info,
  last_event_id: Number(row.last_event_id),
  created_at: row.created_at.toISOString(),
  last_accessed: row.last_accessed.toISOString(),
});

/**
 * MCP sessions for the gateway's workers, shared by every replica: any replica can serve a
 * session another created, and resume its stream after the client's Last-Event-ID. Sessions
 * idle past MCP_SESSION_TTL_SECONDS answer as missing at once and are purged, with their
 * messages and subscriptions, by the core purge (src/core/purge). Creating and closing a
 * session are audited; appends, reads and touches are the session's traffic and are not.
 */
@Injectable()
export class McpSessionsService {
  private readonly ttl: number;

  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
    @InjectSettings('sessions') settings: SessionSettings,
  ) {
    this.ttl = settings.ttlSeconds;
  }

  async create(principal: Principal, meta: RequestMeta, dto: CreateSessionDto): Promise<SessionDto> {
    const id = dto.session_id ?? randomBytes(24).toString('base64url');
    let row: SessionRow;
    try {
      [row] = (await this.db.query(
        `INSERT INTO mcp_sessions (session_id, server_id, user_email, protocol_version, client_info)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [id, dto.server_id ?? null, dto.user_email?.trim().toLowerCase() ?? null, dto.protocol_version ?? null, dto.client_info ?? null],
      )) as SessionRow[];
    } catch (error) {
      if (sqlState(error) === SQLSTATE.uniqueViolation) throw new ConflictException(`session ${id} exists`);
      if (sqlState(error) === SQLSTATE.foreignKeyViolation) throw badField('server_id', `server_id ${dto.server_id} is not a server`);
      throw error;
    }
    const view = toApi(row);
    await this.audit.record(
      { principal, meta },
      { action: 'create', resourceType: 'mcp_session', resourceId: id, newValues: { ...view, client_info: row.client_info } },
    );
    return view;
  }

  async get(sessionId: string): Promise<SessionDto> {
    const [row] = (await this.db.query(`SELECT ${COLUMNS} FROM mcp_sessions WHERE session_id = $1 AND ${ALIVE}`, [
      sessionId,
      this.ttl,
    ])) as SessionRow[];
    if (!row) throw missing(sessionId);
    return toApi(row);
  }

  /** Marks the session used now (it stays alive another TTL). */
  async touch(sessionId: string): Promise<void> {
    const [, affected] = (await this.db.query(`UPDATE mcp_sessions SET last_accessed = now() WHERE session_id = $1 AND ${ALIVE}`, [
      sessionId,
      this.ttl,
    ])) as [unknown, number];
    if (!affected) throw missing(sessionId);
  }

  /**
   * Closes the session: it answers as missing from now on; its subscriptions go at once, its
   * messages with the next purge (in batches: a session may hold millions).
   */
  async close(principal: Principal, meta: RequestMeta, sessionId: string): Promise<void> {
    const closed = await this.db.transaction(async (tx) => {
      const rows = (await tx.query(`UPDATE mcp_sessions SET closed_at = now() WHERE session_id = $1 AND ${ALIVE} RETURNING ${COLUMNS}`, [
        sessionId,
        this.ttl,
      ])) as [SessionRow[], number];
      if (!rows[0].length) return null;
      await tx.query(`DELETE FROM resource_subscriptions WHERE subscriber_id = $1`, [sessionId]);
      return rows[0][0];
    });
    if (!closed) throw missing(sessionId);
    await this.audit.record(
      { principal, meta },
      { action: 'close', resourceType: 'mcp_session', resourceId: sessionId, oldValues: { ...toApi(closed) } },
    );
  }

  async append(sessionId: string, messages: string[]): Promise<AppendedDto> {
    const ids = messages.map(() => uuidv7());
    const rows = (await this.db.query(APPEND_SQL, [sessionId, this.ttl, messages.length, ids, messages])) as Array<{ event_id: string }>;
    if (!rows.length) throw missing(sessionId);
    return { event_ids: rows.map((r) => Number(r.event_id)).sort((a, b) => a - b) };
  }

  /** Messages after `after` (the client's Last-Event-ID), in event id order; reading keeps the session alive. */
  async read(sessionId: string, after: number, limit: number): Promise<MessagePage> {
    const [rows] = (await this.db.query(
      `UPDATE mcp_sessions SET last_accessed = now() WHERE session_id = $1 AND ${ALIVE} RETURNING last_event_id`,
      [sessionId, this.ttl],
    )) as [Array<{ last_event_id: string }>, number];
    if (!rows.length) throw missing(sessionId);
    const messages = (await this.db.query(
      `SELECT event_id, message, created_at FROM mcp_messages WHERE session_id = $1 AND event_id > $2 ORDER BY event_id LIMIT $3`,
      [sessionId, after, limit],
    )) as Array<{ event_id: string; message: string; created_at: Date }>;
    return {
      items: messages.map((m) => ({ event_id: Number(m.event_id), message: m.message, created_at: m.created_at.toISOString() })),
      last_event_id: Number(rows[0].last_event_id),
    };
  }

  /** Whether the session is open and alive (for the subscriptions). */
  async alive(sessionId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM mcp_sessions WHERE session_id = $1 AND ${ALIVE}`, [sessionId, this.ttl]);
    return rows.length > 0;
  }
}

export function missing(sessionId: string): NotFoundException {
  return new NotFoundException(`session ${sessionId} not found (unknown, closed or expired)`);
}
