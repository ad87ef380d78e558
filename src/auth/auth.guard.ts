import { AuthSettings, InjectSettings } from '../config/settings';
import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { uuidv7 } from '../common/ids';
import { METRICS_DB } from '../database/roles';
import { PermissionAuditService } from '../logs/permission-audit.service';
import { RowWriter } from '../writer/row-writer';
import { SecurityEventsService } from '../logs/security-events.service';
import { AuthEventsService } from './auth-events.service';
import { AuthFailureTracker } from './auth-failure-tracker';
import { PERMISSION_KEY } from './decorators';
import { hasPermission } from './permissions';
import { HttpRequest, HttpResponse, Principal, requestMeta, RequestMeta } from './principal';
import { Exposure, routePolicy } from './route-policy';
import { bearerToken } from './token';
import { TokenStore } from './token-store';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The global guard: every route passes here. Public routes (probes, the OpenAPI document,
 * /status when STATUS_PUBLIC, /metrics when METRICS_ENDPOINT_PUBLIC) go through; a blocked
 * address gets 429; everything else needs a valid bearer token and the route's permission.
 * Failures and security-relevant successes (first use of a token, a new address, a block) go
 * to email_auth_events (core), permission decisions on changes and every denial to
 * permission_audit_log, and each authenticated request to token_usage_logs (metrics): a read
 * writes nothing to core.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly exposure: Exposure;
  private readonly tracker: AuthFailureTracker;
  private readonly windowSeconds: number;
  private readonly blockSeconds: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenStore,
    private readonly authEvents: AuthEventsService,
    private readonly permissionAudit: PermissionAuditService,
    private readonly security: SecurityEventsService,
    private readonly writer: RowWriter,
    @InjectSettings('auth') settings: AuthSettings,
  ) {
    this.exposure = { statusPublic: settings.statusPublic, metricsPublic: settings.metricsPublic };
    this.windowSeconds = settings.failureWindowSeconds;
    this.blockSeconds = settings.blockSeconds;
    this.tracker = new AuthFailureTracker(settings.failureThreshold, this.windowSeconds * 1000, this.blockSeconds * 1000);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const res = context.switchToHttp().getResponse<HttpResponse>();
    const declared = this.reflector.getAllAndOverride<string | undefined>(PERMISSION_KEY, [context.getHandler(), context.getClass()]);
    const policy = routePolicy(req.path, req.method, declared, this.exposure);
    if (policy.public) return true;

    const meta = requestMeta(req);
    const address = meta.clientIp ?? 'unknown';
    const blockedFor = this.tracker.blockedFor(address);
    if (blockedFor > 0) {
      res.setHeader('Retry-After', String(blockedFor));
      throw new HttpException(
        { statusCode: 429, message: `too many authentication failures from this address; retry in ${blockedFor}s` },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }

    const token = bearerToken(req.headers.authorization);
    if (!token) this.fail(meta, address, req.headers.authorization ? 'malformed authorization header' : 'missing token');
    const result = await this.tokens.verify(token!);
    if ('failure' in result) this.fail(meta, address, result.failure, result.email, result.jti);
    const { principal, firstUse } = result as { principal: Principal; firstUse: boolean };
    req.principal = principal;
    void this.authEvents.success(meta, { email: principal.email, jti: principal.jti }, firstUse);
    this.trackUsage(req, res, principal, meta);

    const granted = hasPermission(principal.permissions, policy.permission);
    if (!granted || MUTATING.has(req.method)) {
      this.permissionAudit.record(principal, meta, { permission: policy.permission, granted, resourceType: resourceTypeOf(meta.path) });
    }
    if (!granted)
      throw new ForbiddenException(
        `this needs the ${policy.permission} permission, which your roles (${principal.roles.join(', ') || 'none'}) do not grant`,
      );
    return true;
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

  /** One token_usage_logs row per authenticated request, written when the response is finished. */
  private trackUsage(req: HttpRequest, res: HttpResponse, principal: Principal, meta: RequestMeta): void {
    const started = performance.now();
    const timestamp = new Date();
    res.once('finish', () => {
      try {
        this.writer.enqueue(METRICS_DB, 'token_usage_logs', [
          {
            id: uuidv7(),
            timestamp,
            token_jti: principal.jti,
            user_email: principal.email,
            endpoint: meta.path ?? req.path,
            method: req.method,
            ip_address: meta.clientIp,
            user_agent: meta.userAgent,
            status_code: res.statusCode,
            response_time_ms: Math.round((performance.now() - started) * 100) / 100,
            ...blockOf(res.statusCode),
          },
        ]);
      } catch {
        // A full writer drops usage rows rather than fail a response already sent.
      }
    });
  }
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

/** `/api/v1/tools/…` → `tools`, for permission audit rows written before a handler knows more. */
function resourceTypeOf(path: string | null): string | null {
  const match = /^\/api\/v1\/([a-z0-9-]+)/.exec(path ?? '');
  return match ? match[1] : null;
}
