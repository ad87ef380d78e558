import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../common/ids';
import { describeError } from '../common/pg-errors';
import { CORE_DB } from '../database/roles';
import { RowWriter } from '../writer/row-writer';
import { RequestMeta } from './principal';

/** What `email_auth_events.event_type` says. */
export const AUTH_EVENT = {
  /** A failed attempt: no token, a malformed header, an unknown, expired or revoked token, an inactive user. */
  failure: 'api_token',
  /** The first successful use of a token. */
  firstUse: 'token_first_use',
  /** A token used successfully from an address it was never used from before. */
  newAddress: 'token_new_address',
  /** An address blocked after repeated failures (AUTH_FAILURE_THRESHOLD). */
  blocked: 'address_blocked',
} as const;

/** Token-and-address pairs remembered per replica, so that known ones cost nothing. */
const MAX_KNOWN = 100_000;

/**
 * Writes `email_auth_events` (core) through the buffered writer: every failure and the
 * successes that matter for security (a token's first use, its first use from an address,
 * an address blocked). Ordinary successful use is not repeated here: it is the
 * `token_usage_logs` row of the request (metrics role), so that reads write nothing to core.
 */
@Injectable()
export class AuthEventsService {
  private readonly logger = new Logger('AuthEvents');
  /** `jti address` pairs known to be recorded already: the map's order is the eviction order. */
  private readonly known = new Map<string, true>();

  constructor(
    private readonly writer: RowWriter,
    @InjectDataSource(CORE_DB) private readonly core: DataSource,
  ) {}

  failure(meta: RequestMeta, outcome: { email?: string | null; jti?: string; reason: string }): void {
    this.write(meta, { type: AUTH_EVENT.failure, success: false, email: outcome.email, jti: outcome.jti, reason: outcome.reason });
  }

  blocked(meta: RequestMeta, failures: number, blockSeconds: number): void {
    this.write(meta, {
      type: AUTH_EVENT.blocked,
      success: false,
      reason: 'too many authentication failures',
      extra: { failures, block_seconds: blockSeconds },
    });
  }

  /**
   * A successful authentication. Recorded only for a token's first use (`firstUse`: it had
   * never been used) or its first use from this address; a pair seen before costs one map
   * lookup, a pair new to this replica one indexed read of core.
   */
  async success(meta: RequestMeta, who: { email: string; jti: string }, firstUse: boolean): Promise<void> {
    const key = `${who.jti} ${meta.clientIp ?? ''}`;
    if (this.known.has(key)) return;
    this.remember(key);
    const event = { success: true, email: who.email, jti: who.jti };
    if (firstUse) return this.write(meta, { ...event, type: AUTH_EVENT.firstUse });
    try {
      const [seen] = await this.core.query(
        `SELECT 1 FROM email_auth_events
          WHERE user_email = $1 AND success AND event_type = ANY($2) AND details->>'token_jti' = $3
            AND ip_address IS NOT DISTINCT FROM $4 LIMIT 1`,
        [who.email, [AUTH_EVENT.firstUse, AUTH_EVENT.newAddress], who.jti, meta.clientIp],
      );
      if (!seen) this.write(meta, { ...event, type: AUTH_EVENT.newAddress });
    } catch (error) {
      this.known.delete(key); // ask again next time
      this.logger.warn(`cannot tell whether ${meta.clientIp} is a new address for a token: ${describeError(error)}`);
    }
  }

  private remember(key: string): void {
    this.known.set(key, true);
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
  }

  private write(
    meta: RequestMeta,
    e: { type: string; success: boolean; email?: string | null; jti?: string; reason?: string; extra?: Record<string, unknown> },
  ): void {
    try {
      this.writer.enqueue(CORE_DB, 'email_auth_events', [
        {
          id: uuidv7(),
          timestamp: new Date(),
          user_email: e.email ?? null,
          event_type: e.type,
          success: e.success,
          ip_address: meta.clientIp,
          failure_reason: e.reason ?? null,
          details: { request_id: meta.requestId, path: meta.path, method: meta.method, ...(e.jti ? { token_jti: e.jti } : {}), ...e.extra },
        },
      ]);
    } catch (error) {
      this.logger.warn(`authentication event not recorded: ${describeError(error)}`);
    }
  }
}
