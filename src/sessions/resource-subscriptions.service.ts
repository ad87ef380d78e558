import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { badField } from '../common/field-errors';
import { uuidv7 } from '../common/ids';
import { sqlState, SQLSTATE } from '../common/pg-errors';
import { InjectSettings, SessionSettings } from '../config/settings';
import { CORE_DB } from '../database/roles';
import { decodeListCursor, encodeListCursor } from '../registry/cursor';
import { McpSessionsService, missing } from './mcp-sessions.service';
import { SubscribersQueryDto } from './sessions.dto';

export interface SubscriberPage {
  items: Array<{ session_id: string; server_id: string | null; resource_id: string | null; subscribed_at: string }>;
  next_cursor: string | null;
}

/**
 * Resource subscriptions (MCP `resources/subscribe`): a session subscribes to a URI, and the
 * worker that sees the resource change lists the URI's subscribers to fan the update out to
 * them. A subscription belongs to its session: removed when the session closes or is purged.
 */
@Injectable()
export class ResourceSubscriptionsService {
  private readonly ttl: number;

  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly sessions: McpSessionsService,
    @InjectSettings('sessions') settings: SessionSettings,
  ) {
    this.ttl = settings.ttlSeconds;
  }

  /** Idempotent: subscribing twice keeps one subscription. */
  async subscribe(sessionId: string, uri: string, resourceId: string | null): Promise<void> {
    if (!(await this.sessions.alive(sessionId))) throw missing(sessionId);
    try {
      await this.db.query(
        `INSERT INTO resource_subscriptions (id, resource_id, subscriber_id, uri) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT uq_resource_subscriptions_subscriber_uri DO NOTHING`,
        [uuidv7(), resourceId, sessionId, uri],
      );
    } catch (error) {
      if (sqlState(error) !== SQLSTATE.foreignKeyViolation) throw error;
      // The session was purged in between, or the resource does not exist.
      if (!(await this.sessions.alive(sessionId))) throw missing(sessionId);
      throw badField('resource_id', `resource_id ${resourceId} is not a resource`);
    }
  }

  /** 404 when the session has no subscription to this URI. */
  async unsubscribe(sessionId: string, uri: string): Promise<void> {
    const [, affected] = (await this.db.query(`DELETE FROM resource_subscriptions WHERE subscriber_id = $1 AND uri = $2`, [
      sessionId,
      uri,
    ])) as [unknown, number];
    if (!affected) throw new NotFoundException(`session ${sessionId} has no subscription to ${uri}`);
  }

  /**
   * The live sessions subscribed to a URI, paged by subscription (a full page has a
   * next_cursor, which may lead to an empty one); the worker asks in order to notify them, so
   * each listed subscription's last_notification is set now.
   */
  async subscribers(query: SubscribersQueryDto): Promise<SubscriberPage> {
    const limit = query.limit ?? 100;
    let after: string | null = null;
    if (query.cursor !== undefined) {
      after = decodeListCursor(query.cursor);
      if (!after) throw badField('cursor', 'cursor must be a next_cursor value returned by a previous page');
    }
    const [rows] = (await this.db.query(
      `UPDATE resource_subscriptions r SET last_notification = now()
         FROM (SELECT r.id, s.server_id FROM resource_subscriptions r JOIN mcp_sessions s ON s.session_id = r.subscriber_id
                WHERE r.uri = $1 AND ($2::varchar IS NULL OR r.id > $2)
                  AND s.closed_at IS NULL AND s.last_accessed > now() - make_interval(secs => $3)
                ORDER BY r.id LIMIT $4) picked
        WHERE r.id = picked.id
        RETURNING r.id, r.subscriber_id, r.resource_id, r.created_at, picked.server_id`,
      [query.uri, after, this.ttl, limit],
    )) as [Array<{ id: string; subscriber_id: string; resource_id: string | null; created_at: Date; server_id: string | null }>, number];
    rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    return {
      items: rows.map((r) => ({
        session_id: r.subscriber_id,
        server_id: r.server_id,
        resource_id: r.resource_id,
        subscribed_at: r.created_at.toISOString(),
      })),
      next_cursor: rows.length === limit ? encodeListCursor(rows[rows.length - 1].id) : null,
    };
  }
}
