import { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.factory';
import { generateToken } from '../../src/auth/token';
import { parseEnv } from '../../src/config/configuration';

export interface TestResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs assert on the JSON shape
  body: any;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is (for malformed JSON and oversized bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  /** The bootstrap admin's token (ADMIN_TOKEN of the app). */
  adminToken: string;
  /** Every stdout log line the app wrote (JSON), for assertions and secret scans. */
  logLines: string[];
  get(path: string, token?: string | null): Promise<TestResponse>;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** POSTs `body` as JSON, or as is when it is a string (admin token unless headers say otherwise). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

/**
 * Boots the real application (migrations at start included) on a free port. Logs are
 * collected in `logLines` instead of stdout; the admin token is fixed through ADMIN_TOKEN.
 */
export async function startApp(vars: Record<string, string | undefined>): Promise<TestApp> {
  const adminToken = vars.ADMIN_TOKEN ?? generateToken();
  const env = parseEnv({
    PORT: '0',
    LOG_LEVEL: 'info',
    METRICS_ROLLUP_ENABLED: 'false',
    PERFORMANCE_ENABLED: 'false',
    // Folds of the service graph when a spec asks for one (ServiceGraphService.fold).
    TRACES_FOLD_INTERVAL_SECONDS: '0',
    // The OTLP ports off unless a spec asks for them (on a free port): dozens of apps start at once.
    OTLP_GRPC_PORT: '0',
    OTLP_HTTP_PORT: '0',
    // A spool of its own unless the spec shares one across restarts.
    SPOOL_DIR: mkdtempSync(join(tmpdir(), 'ff-spool-')),
    ...vars,
    ADMIN_TOKEN: adminToken,
  });
  const logLines: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const app = await createApp(env, { logDestination });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? adminToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return {
    app,
    baseUrl,
    adminToken,
    logLines,
    request,
    get: (path, token) => request('GET', path, { token }),
    post: (path, body, headers = {}) => request('POST', path, typeof body === 'string' ? { rawBody: body, headers } : { body, headers }),
    close: () => app.close(),
  };
}
