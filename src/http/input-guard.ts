import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError } from './api-error';
import { findBadInput, JsonLimits, scanJson } from '../common/json-guard';
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

/** body-parser `verify`: runs on the raw bytes, before JSON.parse. */
export const verifyJsonLimits =
  (limits: JsonLimits) =>
  (_req: unknown, _res: unknown, body: Buffer): void => {
    const problem = scanJson(body, limits);
    if (problem) throw new JsonLimitError(problem);
  };

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** Bodies of the API are JSON: anything else (a form, plain text) is a 415 before it is read. */
export function requireJsonBodies(req: Request, res: Response, next: Next): void {
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  const type = String(req.headers['content-type'] ?? '');
  if (!hasBody || JSON_TYPE.test(type)) return next();
  res.status(415).json({
    statusCode: 415,
    message: `request bodies must be JSON (Content-Type: application/json), not ${type.split(';')[0].trim() || 'untyped'}`,
  });
}

/** After the body parser: query string and parsed body. */
export function guardParsedInput(req: Request, res: Response, next: Next): void {
  const problem = findBadInput(req.query, '(query)') ?? (req.body === undefined ? null : findBadInput(req.body, '(body)'));
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
