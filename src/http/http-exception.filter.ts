import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { HttpResponse } from '../auth/principal';
import { SQLSTATE, sqlState } from '../common/pg-errors';
import { WriterFullError } from '../writer/row-writer';
import { ApiError } from './api-error';

/** Errors from the body parser carry a status and a type. */
interface BodyParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  limit?: number;
}

/**
 * Every error becomes `{ statusCode, message, errors? }`. Database constraint violations are
 * mapped to 409 (duplicate, conflicting reference) or 400; anything unexpected is a 500 with
 * a generic message (the detail goes to the log, never to the client).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    this.send(exception, host.switchToHttp().getResponse<HttpResponse & { headersSent: boolean }>());
  }

  /** The answer of an error, Retry-After included: for the filter and for middleware that refuses before Nest routes (the pre-body authentication). */
  send(exception: unknown, res: HttpResponse & { headersSent: boolean }): void {
    if (res.headersSent) return;
    // A structured body of another shape (the health checks' 503 result) is the answer itself.
    const passthrough = exception instanceof HttpException ? exception.getResponse() : null;
    const body: ApiError | object =
      passthrough && typeof passthrough === 'object' && !('message' in passthrough) ? passthrough : this.toApiError(exception);
    const status = exception instanceof HttpException ? exception.getStatus() : (body as ApiError).statusCode;
    const retryAfter = retryAfterOf(exception);
    if (retryAfter !== null) res.setHeader('Retry-After', String(retryAfter));
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(body));
  }

  toApiError(exception: unknown): ApiError {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') return { statusCode: status, message: response };
      const r = response as { message?: string | string[]; errors?: ApiError['errors'] };
      let message = Array.isArray(r.message) ? r.message.join('; ') : (r.message ?? exception.message);
      // Nest turns the body parser's SyntaxError into a bare 400 carrying the parser's message.
      if (status === 400 && !r.errors && /JSON/.test(message) && !message.startsWith('malformed'))
        message = `malformed JSON in request body: ${message}`;
      return { statusCode: status, message, ...(r.errors ? { errors: r.errors } : {}) };
    }
    if (exception instanceof QueryFailedError) {
      const e = exception as QueryFailedError & { detail?: string; constraint?: string };
      const code = sqlState(e);
      if (code === SQLSTATE.uniqueViolation)
        return { statusCode: 409, message: `duplicate: ${describeKey(e.detail) ?? e.constraint ?? 'an entity with these values exists'}` };
      if (code === SQLSTATE.foreignKeyViolation) return foreignKeyError(e.detail);
      if (code === SQLSTATE.invalidTextRepresentation || code === SQLSTATE.stringDataRightTruncation)
        return { statusCode: 400, message: 'invalid value for a field' };
    }
    if (exception instanceof WriterFullError) {
      // Back-pressure, not a failure: clients slow down and retry (Retry-After is set above).
      return { statusCode: 503, message: `${exception.message}; retry after ${exception.retryAfterSeconds} s` };
    }
    const parser = exception as BodyParserError;
    if (parser && typeof parser === 'object' && parser.type) {
      if (parser.type === 'entity.too.large') return { statusCode: 413, message: `request body too large (limit ${parser.limit} bytes)` };
      if (parser.type === 'entity.parse.failed') return { statusCode: 400, message: 'malformed JSON in request body' };
      const status = parser.status ?? parser.statusCode ?? 400;
      if (status >= 400 && status < 500) return { statusCode: status, message: `unreadable request body (${parser.type})` };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'internal error' };
  }
}

/**
 * A foreign key violation, named by column only: the table behind it is nobody's business,
 * and a missing reference reads the same as one the caller may not see (services check
 * references first; this is the race where one disappears in between).
 */
function foreignKeyError(detail: string | undefined): ApiError {
  const m = /^Key \((.+?)\)=\(.*\) is (not present|still referenced)/.exec(detail ?? '');
  if (m && m[2] === 'not present') {
    const reason = `${m[1]} refers to nothing you can see`;
    return { statusCode: 400, message: `invalid request: ${reason}`, errors: [{ field: m[1], reason }] };
  }
  return { statusCode: 409, message: 'conflicting reference: other entities still refer to this one' };
}

/** `Key (slug)=(abc) already exists.` → `slug=abc already exists` (column names and the caller's own values only). */
function describeKey(detail: string | undefined): string | null {
  if (!detail) return null;
  const m = /^Key \((.+)\)=\((.*)\) (.+)\.?$/.exec(detail);
  return m ? `${m[1]}=${m[2]} ${m[3].replace(/\.$/, '')}` : null;
}

/** The seconds an error tells the client to wait (Retry-After), or null. */
export function retryAfterOf(exception: unknown): number | null {
  return exception instanceof Error && 'retryAfterSeconds' in exception
    ? Number((exception as { retryAfterSeconds: number }).retryAfterSeconds)
    : null;
}
