import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MCP sessions shared by the gateway's replicas: who opened a session (server, user, protocol
 * version, client info), its per-session event counter and whether it was closed; messages
 * numbered by that counter (Last-Event-ID resumption); resource subscriptions by URI, owned by
 * their session. Rows written before (the tables had no write path) are numbered and kept.
 */
export class McpSessionStore1796400000000 implements MigrationInterface {
  name = 'McpSessionStore1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "mcp_sessions"
        ADD COLUMN "server_id" varchar(36),
        ADD COLUMN "user_email" varchar(255),
        ADD COLUMN "protocol_version" varchar(50),
        ADD COLUMN "client_info" jsonb,
        ADD COLUMN "last_event_id" bigint NOT NULL DEFAULT 0,
        ADD COLUMN "closed_at" timestamptz`);
    // SET NULL, not CASCADE: deleting a server must not delete millions of messages in one
    // statement; its sessions age out through the batched purge.
    await q.query(
      `ALTER TABLE "mcp_sessions" ADD CONSTRAINT "fk_mcp_sessions_server_id" FOREIGN KEY ("server_id") REFERENCES "servers" ("id") ON DELETE SET NULL`,
    );
    await q.query(`CREATE INDEX "ix_mcp_sessions_server_id" ON "mcp_sessions" ("server_id")`);

    await q.query(`ALTER TABLE "mcp_messages" ADD COLUMN "event_id" bigint`);
    await q.query(`
      UPDATE "mcp_messages" m SET "event_id" = n.rn
        FROM (SELECT id, row_number() OVER (PARTITION BY session_id ORDER BY created_at, id) AS rn FROM "mcp_messages") n
       WHERE m.id = n.id`);
    await q.query(`
      UPDATE "mcp_sessions" s SET "last_event_id" = m.last
        FROM (SELECT session_id, max(event_id) AS last FROM "mcp_messages" GROUP BY session_id) m
       WHERE s.session_id = m.session_id`);
    await q.query(`ALTER TABLE "mcp_messages" ALTER COLUMN "event_id" SET NOT NULL`);
    await q.query(`DROP INDEX "ix_mcp_messages_session_id"`);
    await q.query(`ALTER TABLE "mcp_messages" ADD CONSTRAINT "uq_mcp_messages_session_event" UNIQUE ("session_id", "event_id")`);

    await q.query(`ALTER TABLE "resource_subscriptions" ALTER COLUMN "resource_id" DROP NOT NULL`);
    await q.query(`ALTER TABLE "resource_subscriptions" ADD COLUMN "uri" varchar(767)`);
    await q.query(`UPDATE "resource_subscriptions" s SET "uri" = r.uri FROM "resources" r WHERE r.id = s.resource_id`);
    await q.query(
      `DELETE FROM "resource_subscriptions" s WHERE s.uri IS NULL OR NOT EXISTS (SELECT 1 FROM "mcp_sessions" m WHERE m.session_id = s.subscriber_id)`,
    );
    await q.query(`ALTER TABLE "resource_subscriptions" ALTER COLUMN "uri" SET NOT NULL`);
    await q.query(
      `ALTER TABLE "resource_subscriptions" ADD CONSTRAINT "uq_resource_subscriptions_subscriber_uri" UNIQUE ("subscriber_id", "uri")`,
    );
    await q.query(`CREATE INDEX "ix_resource_subscriptions_uri" ON "resource_subscriptions" ("uri")`);
    await q.query(
      `ALTER TABLE "resource_subscriptions" ADD CONSTRAINT "fk_resource_subscriptions_subscriber_id" FOREIGN KEY ("subscriber_id") REFERENCES "mcp_sessions" ("session_id") ON DELETE CASCADE`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "resource_subscriptions" DROP CONSTRAINT "fk_resource_subscriptions_subscriber_id"`);
    await q.query(`DROP INDEX "ix_resource_subscriptions_uri"`);
    await q.query(`ALTER TABLE "resource_subscriptions" DROP CONSTRAINT "uq_resource_subscriptions_subscriber_uri"`);
    await q.query(`ALTER TABLE "resource_subscriptions" DROP COLUMN "uri"`);
    await q.query(`DELETE FROM "resource_subscriptions" WHERE "resource_id" IS NULL`);
    await q.query(`ALTER TABLE "resource_subscriptions" ALTER COLUMN "resource_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "mcp_messages" DROP CONSTRAINT "uq_mcp_messages_session_event"`);
    await q.query(`CREATE INDEX "ix_mcp_messages_session_id" ON "mcp_messages" ("session_id")`);
    await q.query(`ALTER TABLE "mcp_messages" DROP COLUMN "event_id"`);
    await q.query(`DROP INDEX "ix_mcp_sessions_server_id"`);
    await q.query(`ALTER TABLE "mcp_sessions" DROP CONSTRAINT "fk_mcp_sessions_server_id"`);
    await q.query(`
      ALTER TABLE "mcp_sessions"
        DROP COLUMN "server_id", DROP COLUMN "user_email", DROP COLUMN "protocol_version",
        DROP COLUMN "client_info", DROP COLUMN "last_event_id", DROP COLUMN "closed_at"`);
  }
}
