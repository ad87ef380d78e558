import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { pathToRegexp } from 'path-to-regexp';
import { PERMISSION_KEY } from '../auth/decorators';

interface Route {
  method: string;
  pattern: RegExp;
  declared: string | undefined;
}

const join = (...parts: Array<string | string[] | undefined>) =>
  `/${parts
    .map((p) => [p ?? ''].flat()[0] ?? '')
    .join('/')
    .split('/')
    .filter(Boolean)
    .join('/')}`;

/** What the router may route a request to: the permission each matching route declares (undefined: none declared). */
export interface RouteMatch {
  declared: ReadonlyArray<string | undefined>;
}

/**
 * The permission each controller route declares (@RequirePermission), matched the way the router
 * matches (path-to-regexp, case-insensitive, a trailing slash allowed): so the decision made
 * before the body is read (auth/auth.guard.ts, beforeBody) knows what the route needs. Every
 * route that matches is returned, since only the router knows which of them wins; null when
 * none does (the router answers 404, whoever asks).
 */
export function routePermissions(app: INestApplication): (method: string, path: string) => RouteMatch | null {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!type?.prototype) continue;
      const base = Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined;
      const onClass = Reflect.getMetadata(PERMISSION_KEY, type) as string | undefined;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (path === undefined) continue;
        const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] ?? 'ALL';
        const declared = (Reflect.getMetadata(PERMISSION_KEY, handler) as string | undefined) ?? onClass;
        try {
          routes.push({
            method: verb,
            pattern: pathToRegexp(join(base, path), { sensitive: false, end: true, trailing: true }).regexp,
            declared,
          });
        } catch {
          // A path this matcher cannot read is decided after routing, by the guard.
        }
      }
    }
  }
  return (method, path) => {
    const verb = method.toUpperCase();
    const matching = routes.filter((r) => (r.method === verb || r.method === 'ALL') && r.pattern.test(path));
    return matching.length > 0 ? { declared: matching.map((r) => r.declared) } : null;
  };
}
