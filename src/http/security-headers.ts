import { NestExpressApplication } from '@nestjs/platform-express';
import cors from 'cors';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request headers a browser client may send cross-origin, and response headers it may read. */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'X-Request-Id'];
const EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Headers of every answer, first in the chain so that refusals (400, 413, 415) carry them
 * too: helmet's defaults (no X-Powered-By, X-Content-Type-Options: nosniff, a strict
 * Content-Security-Policy without upgrade-insecure-requests, HSTS, frame protection…), `Cache-Control: no-store` (answers are
 * data, often a caller's own), and CORS for the origins in CORS_ALLOWED_ORIGINS only.
 * Without that list CORS is off: browsers on other origins are refused. A preflight is
 * answered here either way: 204 with the CORS headers for an allowed origin, 403 saying
 * why otherwise (not a 404 from the router).
 */
export function configureSecurityHeaders(app: NestExpressApplication, allowedOrigins: readonly string[]): void {
  app.disable('x-powered-by');
  // helmet's strict defaults, less upgrade-insecure-requests: on plain HTTP under a host name
  // other than localhost it makes a browser fetch Swagger UI's own scripts over https, which
  // fails, and /docs stays blank. Where TLS is terminated in front, HSTS still holds browsers to it.
  // Cross-Origin-Opener-Policy likewise only on HTTPS: browsers ignore it on plain HTTP and say so
  // in the console (req.secure follows X-Forwarded-Proto when Express `trust proxy` is set).
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } }, crossOriginOpenerPolicy: false }));
  app.use((req: IncomingMessage & { secure?: boolean }, res: ServerResponse, next: () => void) => {
    if (req.secure) res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    next();
  });
  app.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const allowed = new Set(allowedOrigins);
  const corsHeaders = cors({
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  app.use((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined;
    if (preflight && !allowed.has(origin)) {
      res.statusCode = 403;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      const message = allowed.size
        ? `cross-origin requests from ${origin} are not allowed (CORS_ALLOWED_ORIGINS)`
        : 'cross-origin requests are not enabled (CORS_ALLOWED_ORIGINS is not set)';
      res.end(JSON.stringify({ statusCode: 403, message }));
      return;
    }
    corsHeaders(req, res, next);
  });
}
