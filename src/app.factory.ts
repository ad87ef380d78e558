import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppRuntimeOptions } from './app.module';
import { Env } from './config/configuration';
import { validationPipe } from './http/validation';

/**
 * Builds the HTTP application the same way for `npm start` and the tests: pino logging,
 * a bounded JSON body parser, global validation, the OpenAPI document at /docs.
 */
export async function createApp(env: Env, runtime: AppRuntimeOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env, runtime), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: env.HTTP_BODY_LIMIT });
  app.useGlobalPipes(validationPipe());
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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
