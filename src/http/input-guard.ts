import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError } from './api-error';
import { findBadInput, FORBIDDEN_KEYS, JsonLimits, scanJson } from '../common/json-guard';
import { badText } from '../common/text';

/**
 * The shared first line of input checks, in front of every route: what no route may
 * receive, whatever its DTO says. Bodies are bounded before parsing (depth, keys) and then,
 * like query strings and path parameters, searched for text PostgreSQL refuses (NUL,
 * unpaired surrogates) and keys that mean something to JavaScript objects. Each refusal
 * is a 400 naming the field.
 */

interface Request {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  body?: unknown;
}

interface Response {
  status(code: number): Response;
  json(body: unknown): void;
}

type Next = (error?: unknown) => void;

/** A 400 naming the field: the error shape of every refusal. */
export function invalidField(problem: FieldError) {
  return { statusCode: 400, message: `invalid request: ${problem.field} ${problem.reason}`, errors: [problem] };
}

/** Thrown by the body parser's verify hook; the HTTP error middleware answers it. */
export class JsonLimitError extends Error {
  readonly status = 400;
  readonly type = 'json.limits';
  constructor(readonly problem: FieldError) {
    super(`${problem.field} ${problem.reason}`);
  }
}

/** Marks a request whose raw JSON body cannot hold what findBadInput looks for. */
const PLAIN_BODY = Symbol('plain JSON body');

/**
 * JSON can only carry a NUL or an unpaired surrogate as a `\u` escape (raw control bytes
 * are invalid JSON, invalid UTF-8 decodes to U+FFFD), and a forbidden key only as its
 * quoted name or with escapes: a body with none of these needles needs no walk after parsing.
 */
const NEEDLES = ['\\u', ...[...FORBIDDEN_KEYS].map((key) => `"${key}"`)].map((text) => Buffer.from(text));
const isPlain = (body: Buffer) => NEEDLES.every((needle) => body.indexOf(needle) < 0);
/** The needles are UTF-8 bytes; another charset never reaches the parser (requireUtf8Json), but if it did, the body is walked. */
const isUtf8 = (type: unknown) => declaredCharsets(String(type ?? '')).every((charset) => UTF8.has(charset));

/** body-parser `verify`: runs on the raw bytes, before JSON.parse. */
export const verifyJsonLimits =
  (limits: JsonLimits) =>
  (req: Pick<Request, 'headers'>, _res: unknown, body: Buffer): void => {
    const problem = scanJson(body, limits);
    if (problem) throw new JsonLimitError(problem);
    if (isUtf8(req.headers['content-type']) && isPlain(body)) (req as { [PLAIN_BODY]?: true })[PLAIN_BODY] = true;
  };

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** Whether the request declares a body (a length other than 0, or chunks). */
export function declaresBody(headers: Request['headers']): boolean {
  const length = headers['content-length'];
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
}

/** Every charset a Content-Type declares, lower case and unquoted (repeats included). */
export function declaredCharsets(type: string): string[] {
  return [...type.matchAll(/;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/gi)].map((m) => (m[1] ?? m[2]).toLowerCase());
}

const UTF8 = new Set(['utf-8', 'utf8']);

/**
 * JSON bodies are UTF-8 (RFC 8259 §8.1). The body parser would decode UTF-16 or a legacy
 * charset while the bounds (common/json-guard.ts) read bytes as UTF-8: one character of
 * another encoding could put the scan out of step. So another declared charset is a 415
 * naming it, from the headers, before anything is read; on every route, OTLP/JSON included.
 */
export function requireUtf8Json(req: Request, res: Response, next: Next): void {
  const type = String(req.headers['content-type'] ?? '');
  if (!declaresBody(req.headers) || !JSON_TYPE.test(type)) return next();
  const other = declaredCharsets(type).find((charset) => !UTF8.has(charset));
  if (other === undefined) return next();
  res.status(415).json({
    statusCode: 415,
    message: `JSON bodies must be UTF-8 (RFC 8259 §8.1), not charset=${JSON.stringify(other.slice(0, 40))}`,
  });
}

/** Bodies of the API are JSON: anything else (a form, plain text) is a 415 before it is read. */
export function requireJsonBodies(req: Request, res: Response, next: Next): void {
  const type = String(req.headers['content-type'] ?? '');
  if (!declaresBody(req.headers) || JSON_TYPE.test(type)) return next();
  res.status(415).json({
    statusCode: 415,
    message: `request bodies must be JSON (Content-Type: application/json), not ${type.split(';')[0].trim() || 'untyped'}`,
  });
}

/** After the body parser: query string and parsed body. */
export function guardParsedInput(req: Request, res: Response, next: Next): void {
  const walkBody = req.body !== undefined && !(req as { [PLAIN_BODY]?: true })[PLAIN_BODY];
  const problem = findBadInput(req.query, '(query)') ?? (walkBody ? findBadInput(req.body, '(body)') : null);
  if (problem) return res.status(400).json(invalidField(problem));
  next();
}

/** Global pipe for path parameters (named by the route: `id`, `email`…), before any route pipe. */
@Injectable()
export class PathParamGuardPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || typeof value !== 'string') return value;
    const reason = badText(value);
    if (reason) throw new BadRequestException(invalidField({ field: metadata.data ?? '(path)', reason }));
    return value;
  }
}
