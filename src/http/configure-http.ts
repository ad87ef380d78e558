import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getConfigToken } from '@nestjs/config';
import { HttpSettings } from '../config/settings';
import { MetricsIngestService } from '../metrics/ingest/metrics-ingest.service';
import { PerformanceService } from '../metrics/performance/performance.service';
import { FourfoldMetrics } from '../prometheus/fourfold-metrics';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

interface HttpRequest {
  method: string;
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

/**
 * HTTP set-up shared by main.ts and the test harness: request timing for the service's
 * self-measurement and the Prometheus histogram, then body parsing. Parser errors happen before
 * Nest's routing, so its exception filters never see them: this middleware turns them
 * into JSON answers (400 for malformed JSON, 413 for a body over HTTP_MAX_BODY_BYTES)
 * instead of Express's HTML error page.
 */
export function configureHttp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  const { maxBodyBytes } = app.get<HttpSettings>(getConfigToken('http'));
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
  // Back-pressure before the body is read: when the write buffers cannot take another batch,
  // parsing and validating it would only burn the CPU the database needs to catch up.
  const ingest = app.get(MetricsIngestService, { strict: false });
  express.use('/api/v1/metrics/executions', (req: HttpRequest, res: HttpResponse, next: () => void) => {
    if (req.method !== 'POST' || ingest.hasRoom()) return next();
    const seconds = ingest.retryAfterSeconds();
    res.setHeader('Retry-After', String(seconds));
    res.status(503).json({ statusCode: 503, error: 'Service Unavailable', message: `write buffers are full; retry after ${seconds} s` });
  });
  express.useBodyParser('json', { limit: maxBodyBytes });
  express.useBodyParser('urlencoded', { limit: maxBodyBytes, extended: true });
  express.use((error: BodyParserError, _req: unknown, res: HttpResponse, next: (error?: unknown) => void) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.parse.failed') {
      return res.status(400).json({ statusCode: 400, error: 'Bad Request', message: `the body is not valid JSON: ${error.message}` });
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
