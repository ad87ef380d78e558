import type { IncomingMessage, ServerResponse } from 'node:http';

/** Who is calling: resolved from the bearer token on every request. */
export interface Principal {
  userId: string;
  email: string;
  /** The token's jti (soft reference used by token_usage_logs and audit context). */
  jti: string;
  roles: string[];
  permissions: ReadonlySet<string>;
  /** Holds a role that sees and changes every entity (admin). */
  unrestricted: boolean;
  /** Active team memberships. */
  teams: string[];
}

/** What the audit and log records need to know about the request that caused them. */
export interface RequestMeta {
  requestId: string | null;
  clientIp: string | null;
  userAgent: string | null;
  path: string | null;
  method: string | null;
}

/** The parts of an Express request fourfold reads (the Express types are not installed). */
export interface HttpRequest extends IncomingMessage {
  ip?: string;
  path: string;
  originalUrl: string;
  method: string;
  body?: unknown;
  query: Record<string, unknown>;
  params: Record<string, string>;
  principal?: Principal;
}

export type HttpResponse = ServerResponse & { statusCode: number };

export function requestMeta(req: HttpRequest): RequestMeta {
  return {
    requestId: req.id !== undefined ? String(req.id) : null,
    clientIp: clientIp(req),
    userAgent: req.headers['user-agent']?.slice(0, 1000) ?? null,
    path: req.originalUrl?.split('?')[0] ?? null,
    method: req.method ?? null,
  };
}

/** The socket's address (X-Forwarded-For is honoured only when Express `trust proxy` says so). */
export function clientIp(req: HttpRequest): string | null {
  const ip = req.ip ?? req.socket?.remoteAddress ?? null;
  return ip ? ip.replace(/^::ffff:/, '').slice(0, 45) : null;
}
