import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Observable } from 'rxjs';

type Handler = (...args: unknown[]) => unknown;

/**
 * The query parameters a handler reads by name (`@Query('include')`), or null when it takes the
 * whole query (`@Query() dto`): then its DTO (whitelist), schema (strict) or filter parser refuses
 * unknown names itself.
 */
function namedQueryParams(controller: object, handler: Handler): Set<string> | null {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller.constructor, handler.name) ?? {}) as Record<string, { data?: unknown }>;
  const names = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY) continue;
    if (typeof arg.data !== 'string') return null;
    names.add(arg.data);
  }
  return names;
}

/**
 * One rule for unknown query parameters across the API: refused, naming them (400), like unknown
 * body fields. Handlers that take the whole query check it themselves; this covers the rest,
 * including routes that read no query parameter at all.
 */
@Injectable()
export class KnownQueryInterceptor implements NestInterceptor {
  private readonly known = new WeakMap<Handler, Set<string> | null>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const handler = context.getHandler() as Handler;
    if (!this.known.has(handler)) this.known.set(handler, namedQueryParams(context.getClass().prototype as object, handler));
    const allowed = this.known.get(handler);
    const query = (context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {}) as Record<string, unknown>;
    const unknown = allowed ? Object.keys(query).filter((key) => !allowed.has(key)) : [];
    if (unknown.length)
      throw new BadRequestException({
        statusCode: 400,
        message: `invalid request: unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 10).join(', ')}`,
        errors: unknown.slice(0, 10).map((field) => ({ field, reason: `${field} should not exist` })),
      });
    return next.handle();
  }
}
