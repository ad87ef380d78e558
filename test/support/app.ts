import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { parseEnv } from '../../src/config/configuration';
import { configureHttp } from '../../src/http/configure-http';

export interface TestResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs assert on the JSON shape
  body: any;
  headers: Headers;
}

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  get(path: string): Promise<TestResponse>;
  /** POSTs `body` as JSON, or as is when it is a string. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

/** Boots the real application (migrations at start included) on a free port. */
export async function startApp(vars: Record<string, string | undefined>): Promise<TestApp> {
  const env = parseEnv({ PORT: '0', METRICS_ROLLUP_ENABLED: 'false', PERFORMANCE_ENABLED: 'false', ...vars });
  const app = await NestFactory.create(AppModule.forRoot(env), { logger: false });
  configureHttp(app, env);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  const answer = async (res: Response): Promise<TestResponse> => {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers };
  };
  return {
    app,
    baseUrl,
    get: async (path) => answer(await fetch(baseUrl + path)),
    post: async (path, body, headers = {}) =>
      answer(
        await fetch(baseUrl + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
    close: () => app.close(),
  };
}
