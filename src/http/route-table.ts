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

/**
 * The permission each controller route declares (@RequirePermission), matched the way the router
 * matches (path-to-regexp, case-insensitive, a trailing slash allowed): so a decision made before
 * routing (authentication before the body) knows a route that declares itself public.
 */
export function routePermissions(app: INestApplication): (method: string, path: string) => string | undefined {
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
  return (method, path) => routes.find((r) => (r.method === method.toUpperCase() || r.method === 'ALL') && r.pattern.test(path))?.declared;
}
