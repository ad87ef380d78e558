import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppRuntimeOptions } from './app.module';
import { Env } from './config/configuration';
import { configureHttp } from './http/configure-http';
import { PathParamGuardPipe } from './http/input-guard';
import { validationPipe } from './http/validation';
import { KnownQueryInterceptor } from './http/known-query';
import { addOtlpPaths } from './otlp/otlp-openapi';
import { OtlpHttpReceiver } from './otlp/otlp-http.receiver';

/**
 * Builds the HTTP application the same way for `npm start` and the tests: pino logging,
 * a bounded JSON body parser (HTTP_MAX_BODY_BYTES, HTTP_JSON_MAX_*), path parameters checked, global
 * validation, the OpenAPI document at /docs.
 */
export async function createApp(env: Env, runtime: AppRuntimeOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(env, runtime), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttp(app);
  app.useGlobalPipes(new PathParamGuardPipe(), validationPipe());
  app.useGlobalInterceptors(new KnownQueryInterceptor());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('fourfold')
      .setDescription('Registry, audit and logs API of the fourfold gateway data tier. Every route except /health/* needs a bearer token.')
      .setVersion('1')
      .addBearerAuth()
      .addSecurityRequirements('bearer')
      .build(),
  );
  addOtlpPaths(document, app.get(OtlpHttpReceiver, { strict: false }).pipelines);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
