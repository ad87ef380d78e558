import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { HttpResponse } from '../../auth/principal';
import { jaegerError } from './jaeger-model';

/**
 * Errors of the Jaeger API as Jaeger answers them: `{ data: null, …, errors: [{ code, msg }] }`
 * (the Jaeger UI shows `msg`), with fourfold's `statusCode`, `message` and field names beside.
 * Only HTTP errors (bad input, auth, not found): anything else leaves by the global filter,
 * which never tells a client more than "internal error".
 */
@Catch(HttpException)
export class JaegerExceptionFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<HttpResponse & { headersSent: boolean }>();
    if (res.headersSent) return;
    const status = exception.getStatus();
    const response = exception.getResponse();
    const r = (typeof response === 'string' ? { message: response } : response) as {
      message?: string | string[];
      errors?: Array<{ field: string; reason: string }>;
    };
    const message = Array.isArray(r.message) ? r.message.join('; ') : (r.message ?? exception.message);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(jaegerError(status, message, Array.isArray(r.errors) ? r.errors : [])));
  }
}
