import { AuthSettings, InjectSettings } from '../config/settings';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator } from './authenticator';
import type { RouteMatch } from '../http/route-table';
import { PERMISSION_KEY } from './decorators';
import { hasPermission } from './permissions';
import { HttpRequest, HttpResponse, Principal, requestMeta } from './principal';
import { Exposure, routePolicy } from './route-policy';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The global guard: every route passes here. Public routes (probes, the OpenAPI document,
 * /status when STATUS_PUBLIC, /metrics when METRICS_ENDPOINT_PUBLIC) go through; everything
 * else goes through the Authenticator (blocked address 429, token 401, the route's permission
 * 403, events and audit rows) and each authenticated request is counted in token_usage_logs
 * (metrics): a read writes nothing to core.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly exposure: Exposure;

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    @InjectSettings('auth') settings: AuthSettings,
  ) {
    this.exposure = { statusPublic: settings.statusPublic, metricsPublic: settings.metricsPublic };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const res = context.switchToHttp().getResponse<HttpResponse>();
    const declared = this.reflector.getAllAndOverride<string | undefined>(PERMISSION_KEY, [context.getHandler(), context.getClass()]);
    const policy = routePolicy(req.path, req.method, declared, this.exposure);
    if (policy.public) return true;
    // Authenticated from the headers before the body was read (beforeBody), or here.
    const principal = req.principal ?? (await this.authenticate(req, res));
    this.authenticator.authorize(principal, requestMeta(req), policy.permission, MUTATING.has(req.method));
    return true;
  }

  /**
   * For the HTTP set-up, in front of the body parser: a request to a route that is not public
   * (by path) is authenticated from its headers alone, so a request without a valid token is
   * refused (401, or 429 when its address is blocked) before a byte of its body is read,
   * whatever it declares. `route` holds what the routes the router may pick declare (http/route-table.ts):
   * a token that holds none of their permissions is refused (403) before the body too. Anything
   * else is decided by canActivate after routing, which finds the principal on the request: an
   * unknown route stays a 404, and a grant is audited once.
   */
  async beforeBody(req: HttpRequest, res: HttpResponse, route: RouteMatch | null): Promise<void> {
    if (routePolicy(req.path, req.method, undefined, this.exposure).public) return;
    const principal = await this.authenticate(req, res);
    // Public is decided by path alone (above), so each matching route needs a permission.
    const needed = (route?.declared ?? []).flatMap((declared) => {
      const policy = routePolicy(req.path, req.method, declared, this.exposure);
      return policy.public ? [] : [policy.permission];
    });
    if (needed.length > 0 && !needed.some((p) => hasPermission(principal.permissions, p)))
      this.authenticator.authorize(principal, requestMeta(req), needed[0], MUTATING.has(req.method));
  }

  /** The caller of a request that needs a token: its principal (usage tracked), or the refusal (401, 429). */
  private async authenticate(req: HttpRequest, res: HttpResponse): Promise<Principal> {
    const meta = requestMeta(req);
    const started = performance.now();
    const timestamp = new Date();
    const principal = await this.authenticator.identify(req.headers.authorization, meta);
    req.principal = principal;
    res.once('finish', () =>
      this.authenticator.recordUsage(
        principal,
        { ...meta, path: meta.path ?? req.path, method: req.method },
        {
          statusCode: res.statusCode,
          ms: performance.now() - started,
          timestamp,
        },
      ),
    );
    return principal;
  }
}
