/**
 * What the core purge deletes, as data: one entry per kind of expired row, each a DELETE of at
 * most $2 rows that skips rows another transaction holds (an append, a login in progress), so
 * the purge never makes traffic wait; what it skipped goes on the next batch or run. `$1` is
 * MCP_SESSION_TTL_SECONDS. Order matters: a session's messages go before the session, so that
 * no single DELETE cascades over millions of messages.
 */
export interface ExpiryPurge {
  /** The table rows are deleted from (a name for the log and the outcome). */
  table: string;
  sql: string;
}

/** A session closed, or idle past the TTL: gone for the API, purged here. */
const DEAD_SESSION = `(s.closed_at IS NOT NULL OR s.last_accessed < now() - make_interval(secs => $1))`;

export const EXPIRY_PURGES: ExpiryPurge[] = [
  {
    table: 'mcp_messages',
    // By ctid: the rows just locked are deleted where they lie, without a second index lookup.
    sql: `DELETE FROM mcp_messages WHERE ctid = ANY (ARRAY(
            SELECT m.ctid FROM mcp_sessions s JOIN mcp_messages m ON m.session_id = s.session_id
             WHERE ${DEAD_SESSION} LIMIT $2 FOR UPDATE OF m SKIP LOCKED))`,
  },
  {
    // Only sessions whose messages are all gone; their subscriptions go with them (a cascade of a few rows).
    table: 'mcp_sessions',
    sql: `DELETE FROM mcp_sessions WHERE session_id IN (
            SELECT s.session_id FROM mcp_sessions s
             WHERE ${DEAD_SESSION} AND NOT EXISTS (SELECT 1 FROM mcp_messages m WHERE m.session_id = s.session_id)
             LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  },
];
