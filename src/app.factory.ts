import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule, AppRuntimeOptions } from './app.module';
import { Env } from './config/configuration';
import { settingsFromEnv } from './config/settings';
import { configureHttp } from './http/configure-http';
import { setUpOpenApi } from './http/openapi';
import { PathParamGuardPipe } from './http/input-guard';
import { validationPipe } from './http/validation';
import { KnownQueryInterceptor } from './http/known-query';

/**
 * Builds the HTTP application the same way for `npm start` and the tests: pino logging,
 * a bounded JSON body parser (HTTP_MAX_BODY_BYTES, HTTP_JSON_MAX_*), path parameters checked, global
 * validation, the OpenAPI document at /docs (and /docs-json, /docs-yaml).
 */
export async function createApp(env: Env, runtime: AppRuntimeOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(env, runtime), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttp(app);
  app.useGlobalPipes(new PathParamGuardPipe(), validationPipe());
  app.useGlobalInterceptors(new KnownQueryInterceptor());
  const { statusPublic, metricsPublic } = settingsFromEnv(env).auth;
  setUpOpenApi(app, { statusPublic, metricsPublic });
  return app;
}
