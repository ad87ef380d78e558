import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getConfigToken } from '@nestjs/config';
import { HttpSettings } from '../config/settings';
import { MetricsIngestService } from '../metrics/ingest/metrics-ingest.service';
import { PerformanceService } from '../metrics/performance/performance.service';
import { FourfoldMetrics } from '../prometheus/fourfold-metrics';
import { configureSecurityHeaders } from './security-headers';
import {
  declaresBody,
  guardParsedInput,
  invalidField,
  JsonLimitError,
  requireJsonBodies,
  requireUtf8Json,
  verifyJsonLimits,
} from './input-guard';
import { ownBodyRoute, readsOwnBody } from './own-body';
import { AuthGuard } from '../auth/auth.guard';
import { HttpExceptionFilter } from './http-exception.filter';
import { requestId } from './request-id';
import { routePermissions } from './route-table';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  baseUrl?: string;
  route?: { path?: string };
}

interface HttpResponse {
  headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string): void;
  once(event: 'finish' | 'close', listener: () => void): void;
  status(code: number): HttpResponse;
  json(body: unknown): void;
}

const JSON_MEDIA_TYPE = /^application\/([\w.+-]+\+)?json$/;
/** The OTLP/HTTP paths, whose receivers read their bodies themselves (marked by the router's matching: http/own-body.ts). */
const OTLP_PATHS = ['/v1/traces', '/v1/metrics', '/v1/logs'];
const mediaType = (req: HttpRequest) =>
  String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();

/**
 * HTTP set-up shared by main.ts and the test harness: request timing for the service's
 * self-measurement and the Prometheus histogram, then body parsing: JSON only on /api (415
 * otherwise), UTF-8 only (415 naming another charset, so the bounds read exactly the text the
 * parser reads), bounded in size, depth and keys on the raw bytes before JSON.parse, then the parsed
 * body and the query string checked for input no route may receive (src/http/input-guard.ts).
 * Parser errors happen before
 * Nest's routing, so its exception filters never see them: this middleware turns them
 * into JSON answers (400 naming the field, 413 for a body over HTTP_MAX_BODY_BYTES)
 * instead of Express's HTML error page.
 */
export function configureHttp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  const { maxBodyBytes, json, corsAllowedOrigins } = app.get<HttpSettings>(getConfigToken('http'));
  configureSecurityHeaders(express, corsAllowedOrigins);
  // First, so that it also times requests refused by the body parser.
  const performanceService = app.get(PerformanceService, { strict: false });
  const prometheus = app.get(FourfoldMetrics, { strict: false });
  express.use((req: HttpRequest, res: HttpResponse, next: () => void) => {
    const started = performance.now();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      // The route template, not the URL: one operation per endpoint, whatever the ids.
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : '(unmatched)';
      const ms = performance.now() - started;
      performanceService.recordRequest(`${req.method} ${route}`, ms, res.statusCode);
      prometheus.observeRequest(route, req.method, res.statusCode, ms / 1000);
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  });
  // OTLP/HTTP: the receivers (src/otlp) read their bodies themselves (protobuf or JSON, gzip,
  // limits checked while inflating) and decide the token, the permission and the room in the
  // buffers before reading, so the JSON parser and the check below leave those paths alone, as
  // the router matches them.
  for (const path of OTLP_PATHS) ownBodyRoute(express, path);
  // Authentication and permission from the headers, before any body is read (auth/auth.guard.ts). A refused
  // request that declares a body is answered with `Connection: close`: its unread (or never
  // sent) body cannot be taken for the next request on the connection, and nothing waits for it.
  const guard = app.get(AuthGuard, { strict: false });
  const routeOf = routePermissions(app);
  const errors = new HttpExceptionFilter();
  // A request without a body is left to the guard, after routing: its route's own error shape
  // (the Jaeger API's) applies, and there is nothing to read that could do harm.
  express.use((req: HttpRequest & { id?: unknown }, res: HttpResponse, next: () => void) => {
    if (!declaresBody(req.headers) || readsOwnBody(req)) return next();
    // The request id now (pino-http keeps it): the auth events and a refusal here carry it too.
    req.id ??= requestId(req as never, res as never);
    const path = req.url.split('?')[0];
    guard.beforeBody(req as never, res as never, routeOf(req.method, path)).then(next, (error: unknown) => {
      res.setHeader('Connection', 'close');
      errors.send(error, res as never);
    });
  });
  // Back-pressure before the body is read: when the write buffers cannot take another batch,
  // parsing and validating it would only burn the CPU the database needs to catch up.
  // A short wait for the next batch to be written comes first (src/writer/room-wait.ts).
  const ingest = app.get(MetricsIngestService, { strict: false });
  express.use('/api/v1/metrics/executions', async (req: HttpRequest, res: HttpResponse, next: () => void) => {
    if (req.method !== 'POST' || (await ingest.waitForRoom())) return next();
    const seconds = ingest.retryAfterSeconds();
    res.setHeader('Retry-After', String(seconds));
    res.status(503).json({ statusCode: 503, error: 'Service Unavailable', message: `write buffers are full; retry after ${seconds} s` });
  });
  express.use(requireUtf8Json);
  express.use('/api', requireJsonBodies);
  express.useBodyParser('json', {
    limit: maxBodyBytes,
    type: (req: HttpRequest) => JSON_MEDIA_TYPE.test(mediaType(req)) && !readsOwnBody(req),
    verify: verifyJsonLimits(json),
  });
  express.use(guardParsedInput);
  express.use((error: BodyParserError, _req: unknown, res: HttpResponse, next: (error?: unknown) => void) => {
    if (res.headersSent) return next(error);
    if (error instanceof JsonLimitError) return res.status(400).json(invalidField(error.problem));
    if (error.type === 'entity.parse.failed') {
      return res.status(400).json(invalidField({ field: '(body)', reason: `is not valid JSON: ${error.message}` }));
    }
    if (error.type === 'entity.too.large') {
      return res.status(413).json({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `the body is larger than ${maxBodyBytes} bytes (HTTP_MAX_BODY_BYTES)`,
      });
    }
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    return res.status(status).json({ statusCode: status, message: status === 500 ? 'Internal server error' : error.message });
  });
}
