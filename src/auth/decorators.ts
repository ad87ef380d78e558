import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { HttpRequest, Principal, RequestMeta, requestMeta } from './principal';

export const PERMISSION_KEY = 'fourfold:permission';

/** The permission a route needs (see routePolicy for routes that declare none). */
export const RequirePermission = (permission: string) => SetMetadata(PERMISSION_KEY, permission);

/** The authenticated caller (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<HttpRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});

/** Request id, client address, user agent, path and method, for audit and log rows. */
export const CurrentRequest = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta =>
  requestMeta(ctx.switchToHttp().getRequest<HttpRequest>()),
);
