import { Params } from 'nestjs-pino';
import { LoggingSettings } from '../config/settings';
import pino from 'pino';
import { isSecretName, MASK } from '../logs/mask';
import { RowWriter } from '../writer/row-writer';
import { StructuredLogStream } from '../logs/structured-log.stream';
import { HttpRequest } from '../auth/principal';
import { requestId } from './request-id';

/** Where stdout logs go; tests pass a stream of their own to read (and scan) every line. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

const SECRET_KEYS = ['authorization', 'token', 'password', 'auth_value', 'authValue', 'api_key', 'apiKey', 'token_hash', 'ADMIN_TOKEN'];

/** Every path pino must censor: headers, and secret keys at the top level and one or two levels down. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

/** Query parameters that carry credentials by convention, beyond the secret names of logs/mask.ts (`access_token`, `api_key`…). */
const QUERY_SECRETS = new Set(['key', 'sig', 'signature', 'code', 'auth', 'jwt']);

/** A URL for the log: the values of query parameters that carry secrets (`?access_token=…`) replaced by MASK. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // an undecodable name is checked as written
      }
      return isSecretName(name) || QUERY_SECRETS.has(name.toLowerCase()) ? `${pair.slice(0, eq)}=${MASK}` : pair;
    });
  return `${url.slice(0, q + 1)}${params.join('&')}`;
}

const ORDER = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const lowest = (a: (typeof ORDER)[number], b: (typeof ORDER)[number]) => (ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b);

/**
 * nestjs-pino: JSON to stdout at LOG_LEVEL and, at LOG_DB_LEVEL and above, to
 * structured_log_entries through the buffered writer. Request id from X-Request-Id (or new),
 * echoed; the request log line carries user, path, status and duration.
 */
export function loggingParams(settings: LoggingSettings, writer: RowWriter, destination: NodeJS.WritableStream | undefined): Params {
  const { level: stdoutLevel, dbLevel } = settings;
  const streams = pino.multistream([
    { level: stdoutLevel, stream: destination ?? pino.destination({ fd: 1, sync: false }) },
    { level: dbLevel, stream: new StructuredLogStream(writer, process.env.npm_package_version ?? '0.1.0') },
  ]);
  return {
    pinoHttp: [
      {
        level: lowest(stdoutLevel, dbLevel),
        genReqId: requestId,
        redact: { paths: REDACT_PATHS, censor: MASK },
        customProps: (req) => {
          const principal = (req as unknown as HttpRequest).principal;
          return principal ? { user: principal.email, user_id: principal.userId } : {};
        },
        serializers: {
          req: (req: { id: unknown; method: string; url: string; remoteAddress?: string; headers: Record<string, unknown> }) => ({
            id: req.id,
            method: req.method,
            url: redactUrl(req.url),
            remoteAddress: req.remoteAddress,
            headers: { 'user-agent': req.headers['user-agent'], authorization: req.headers.authorization },
          }),
        },
        customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      },
      streams,
    ],
  };
}
