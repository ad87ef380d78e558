import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { WriterFullError } from './row-writer';

interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): HttpResponse;
  json(body: unknown): void;
}

/** A full write buffer is back-pressure, not a failure: 503 with Retry-After, so clients slow down and retry. */
@Catch(WriterFullError)
export class WriterFullFilter implements ExceptionFilter {
  catch(error: WriterFullError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    response
      .status(503)
      .setHeader('Retry-After', String(error.retryAfterSeconds))
      .json({ statusCode: 503, error: 'Service Unavailable', message: `${error.message}; retry after ${error.retryAfterSeconds} s` });
  }
}
