import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { parseEnv } from '../../src/config/configuration';

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs assert on the JSON shape
  get(path: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Boots the real application (migrations at start included) on a free port. */
export async function startApp(vars: Record<string, string | undefined>): Promise<TestApp> {
  const env = parseEnv({ PORT: '0', ...vars });
  const app = await NestFactory.create(AppModule.forRoot(env), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    get: async (path) => {
      const res = await fetch(baseUrl + path);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => app.close(),
  };
}
