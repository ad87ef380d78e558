import { ForbiddenException, HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { uuidv7 } from '../common/ids';
import { AuthSettings, InjectSettings } from '../config/settings';
import { METRICS_DB } from '../database/roles';
import { PermissionAuditService } from '../logs/permission-audit.service';
import { SecurityEventsService } from '../logs/security-events.service';
import { RowWriter } from '../writer/row-writer';
import { AuthEventsService } from './auth-events.service';
import { AuthFailureTracker } from './auth-failure-tracker';
import { hasPermission } from './permissions';
import { Principal, RequestMeta } from './principal';
import { bearerToken } from './token';
import { TokenStore } from './token-store';

/** Too many failures from one address: 429, with the seconds left (the exception filter sets Retry-After). */
export class AuthBlockedException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      { statusCode: 429, message: `too many authentication failures from this address; retry in ${retryAfterSeconds}s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

export interface AuthenticateInput {
  /** The `authorization` header (HTTP) or metadata (gRPC). */
  authorization: string | undefined;
  meta: RequestMeta;
  permission: string;
  /** A change (POST and the like, every OTLP export): the permission decision is audited even when granted. */
  mutating: boolean;
}

/**
 * Who is calling, for every transport: the global HTTP guard and the OTLP receivers (gRPC
 * metadata, the OTLP/HTTP port) call the same checks. A blocked address gets 429; then the
 * bearer token is verified (401) and the permission checked (403). Failures and
 * security-relevant successes go to email_auth_events, repeated failures to security_events,
 * permission decisions on changes and every denial to permission_audit_log. Throws the
 * HttpException to answer; each receiver maps it to its protocol.
 */
@Injectable()
export class Authenticator {
  private readonly tracker: AuthFailureTracker;
  private readonly windowSeconds: number;
  private readonly blockSeconds: number;

  constructor(
    private readonly tokens: TokenStore,
    private readonly authEvents: AuthEventsService,
    private readonly permissionAudit: PermissionAuditService,
    private readonly security: SecurityEventsService,
    private readonly writer: RowWriter,
    @InjectSettings('auth') settings: AuthSettings,
  ) {
    this.windowSeconds = settings.failureWindowSeconds;
    this.blockSeconds = settings.blockSeconds;
    this.tracker = new AuthFailureTracker(settings.failureThreshold, this.windowSeconds * 1000, this.blockSeconds * 1000);
  }

  /** The token's principal, then its permission: identify() and authorize() in one. */
  async authenticate({ authorization, meta, permission, mutating }: AuthenticateInput): Promise<Principal> {
    const principal = await this.identify(authorization, meta);
    this.authorize(principal, meta, permission, mutating);
    return principal;
  }

  /** The principal of a bearer token: 429 for a blocked address, 401 for a missing or bad token. */
  async identify(authorization: string | undefined, meta: RequestMeta): Promise<Principal> {
    const address = meta.clientIp ?? 'unknown';
    const blockedFor = this.tracker.blockedFor(address);
    if (blockedFor > 0) throw new AuthBlockedException(blockedFor);

    const token = bearerToken(authorization);
    if (!token) this.fail(meta, address, authorization ? 'malformed authorization header' : 'missing token');
    const result = await this.tokens.verify(token!);
    if ('failure' in result) this.fail(meta, address, result.failure, result.email, result.jti);
    const { principal, firstUse } = result as { principal: Principal; firstUse: boolean };
    void this.authEvents.success(meta, { email: principal.email, jti: principal.jti }, firstUse);
    return principal;
  }

  /** 403 unless the principal holds the permission; denials and changes are audited. */
  authorize(principal: Principal, meta: RequestMeta, permission: string, mutating: boolean): void {
    const granted = hasPermission(principal.permissions, permission);
    if (!granted || mutating) {
      this.permissionAudit.record(principal, meta, { permission, granted, resourceType: resourceTypeOf(meta.path) });
    }
    if (!granted)
      throw new ForbiddenException(
        `this needs the ${permission} permission, which your roles (${principal.roles.join(', ') || 'none'}) do not grant`,
      );
  }

  /** One token_usage_logs row per authenticated request, once it is answered. */
  recordUsage(principal: Principal, meta: RequestMeta, answer: { statusCode: number; ms: number; timestamp: Date }): void {
    try {
      this.writer.enqueue(METRICS_DB, 'token_usage_logs', [
        {
          id: uuidv7(),
          timestamp: answer.timestamp,
          token_jti: principal.jti,
          user_email: principal.email,
          endpoint: meta.path,
          method: meta.method,
          ip_address: meta.clientIp,
          user_agent: meta.userAgent,
          status_code: answer.statusCode,
          response_time_ms: Math.round(answer.ms * 100) / 100,
          ...blockOf(answer.statusCode),
        },
      ]);
    } catch {
      // A full writer drops usage rows rather than fail a response already sent.
    }
  }

  private fail(meta: RequestMeta, address: string, reason: string, email?: string, jti?: string): never {
    this.authEvents.failure(meta, { email, jti, reason });
    const failures = this.tracker.recordFailure(address);
    if (failures !== null) {
      this.authEvents.blocked(meta, failures, this.blockSeconds);
      void this.security.repeatedAuthFailures(meta, failures, this.windowSeconds, this.blockSeconds);
    }
    throw new UnauthorizedException(reason === 'unknown token' ? 'invalid token' : reason);
  }
}

/** `/api/v1/tools/…` → `tools`, for permission audit rows written before a handler knows more. */
function resourceTypeOf(path: string | null): string | null {
  const match = /^\/api\/v1\/([a-z0-9-]+)/.exec(path ?? '');
  return match ? match[1] : null;
}

/**
 * Whether a request was blocked, by the status it was answered with: refused by a permission
 * (403, the guard's or a handler's) or a rate limit (429: full buffers). A request from an
 * address blocked for authentication failures never reaches a verified token, so it is an
 * auth event (`address_blocked`, then `api_token` failures), not a usage row.
 */
export function blockOf(status: number): { blocked: boolean; block_reason: string | null } {
  if (status === 403) return { blocked: true, block_reason: 'denied' };
  if (status === 429) return { blocked: true, block_reason: 'rate limited' };
  return { blocked: false, block_reason: null };
}
