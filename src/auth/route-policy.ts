import { PERMISSIONS } from './permissions';

/** What a route needs: nothing (public) or a token with a permission. */
export type RoutePolicy = { public: true } | { public: false; permission: string };

const PUBLIC: RoutePolicy = { public: true };
const needs = (permission: string): RoutePolicy => ({ public: false, permission });

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Routes an operator may open to anyone. */
export interface Exposure {
  /** STATUS_PUBLIC */
  statusPublic: boolean;
  /** METRICS_ENDPOINT_PUBLIC */
  metricsPublic: boolean;
}

/**
 * Decides by path, for every route, including routes other modules add later:
 * `/health/*` and the OpenAPI document are public; `/status/*` needs an admin token
 * unless STATUS_PUBLIC; `/metrics` (Prometheus) needs an admin token unless METRICS_ENDPOINT_PUBLIC; `/api/v1/metrics/*` needs metrics.read to read and metrics.write
 * otherwise. Any other route needs the permission its handler declares (@RequirePermission),
 * and a route that declares none needs every permission (admin): secure by default.
 */
export function routePolicy(path: string, method: string, declared: string | undefined, exposure: Exposure): RoutePolicy {
  // As the router matches: letter case and trailing slashes do not make another route.
  const p = path.toLowerCase().replace(/\/+$/, '') || '/';
  if (under(p, '/health')) return PUBLIC;
  if (under(p, '/docs') || p === '/docs-json' || p === '/docs-yaml') return PUBLIC;
  if (under(p, '/status')) return exposure.statusPublic ? PUBLIC : needs(PERMISSIONS.statusRead);
  if (p === '/metrics') return exposure.metricsPublic ? PUBLIC : needs(PERMISSIONS.all);
  if (declared === PERMISSIONS.public) return PUBLIC;
  if (declared) return needs(declared);
  if (under(p, '/api/v1/metrics'))
    return needs(['GET', 'HEAD'].includes(method.toUpperCase()) ? PERMISSIONS.metricsRead : PERMISSIONS.metricsWrite);
  return needs(PERMISSIONS.all);
}
