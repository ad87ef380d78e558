import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PERMISSION_KEY } from './decorators';
import { PERMISSIONS } from './permissions';

export interface PublicRoute {
  method: string;
  pattern: RegExp;
}

const paths = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value ?? '')]);

/**
 * `/api/v1/invitations/:token` → a pattern matching the way Express's router matches by default:
 * letter case ignored, a trailing slash allowed, a parameter one path segment.
 */
export function routePattern(path: string): RegExp {
  const clean = `/${path}`.replace(/\/+/g, '/').replace(/\/$/, '');
  const source = clean
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source || ''}/?$`, 'i');
}

/**
 * The handlers that declare `@RequirePermission(PERMISSIONS.public)`, found once from Nest's
 * own metadata: so that authentication before the body (AuthGuard.beforeBody) lets exactly
 * those routes through, as the guard itself would, without a list kept by hand.
 */
export function declaredPublicRoutes(discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector): PublicRoute[] {
  const routes: PublicRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const declared = reflector.getAllAndOverride<string | undefined>(PERMISSION_KEY, [handler, metatype]);
      if (declared !== PERMISSIONS.public) continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      for (const base of paths(Reflect.getMetadata(PATH_METADATA, metatype)))
        for (const path of paths(Reflect.getMetadata(PATH_METADATA, handler)))
          routes.push({ method: RequestMethod[method], pattern: routePattern(`${base}/${path}`) });
    }
  }
  return routes;
}

export const matchesRoute = (routes: PublicRoute[], method: string, path: string): boolean =>
  routes.some((r) => (r.method === 'ALL' || r.method === method.toUpperCase()) && r.pattern.test(path));
