import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, getConfigToken } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import { Env } from './config/configuration';
import { LoggingSettings, settingsFromEnv, settingsNamespaces } from './config/settings';
import { DatabaseModule } from './database/database.module';
import { topologyFromEnv } from './database/database-topology';
import { ROLE_DEFINITIONS } from './role-registry';
import { HealthModule } from './health/health.module';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { IdentityModule } from './identity/identity.module';
import { loggingParams } from './http/logging';
import { LogsModule } from './logs/logs.module';
import { RowWriter } from './writer/row-writer';
import { MetricsModule } from './metrics/metrics.module';
import { ObservabilityModule } from './observability/observability.module';
import { OtlpModule } from './otlp/otlp.module';
import { PartitioningModule } from './partitioning/partitioning.module';
import { PrometheusModule } from './prometheus/prometheus.module';
import { RegistryModule } from './registry/registry.module';
import { PurgeModule } from './core/purge/purge.module';
import { SessionsModule } from './sessions/sessions.module';
import { WriterModule } from './writer/writer.module';

export interface AppRuntimeOptions {
  /** Where stdout logs go (default: stdout). Tests pass a stream to read the lines. */
  logDestination?: NodeJS.WritableStream;
}

@Module({})
export class AppModule {
  /** `env` is the validated configuration (see parseEnv); DATABASE_URL must be resolved by then. */
  static forRoot(env: Env, runtime: AppRuntimeOptions = {}): DynamicModule {
    const settings = settingsFromEnv(env);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: settingsNamespaces(settings) }),
        ScheduleModule.forRoot(),
        DatabaseModule.forRoot(topologyFromEnv(env), ROLE_DEFINITIONS, settings.database),
        WriterModule,
        LoggerModule.forRootAsync({
          inject: [getConfigToken('logging'), RowWriter],
          useFactory: (logging: LoggingSettings, writer: RowWriter) => loggingParams(logging, writer, runtime.logDestination),
        }),
        MetricsModule,
        LogsModule,
        ObservabilityModule,
        OtlpModule,
        PartitioningModule,
        HealthModule,
        PrometheusModule,
        AuthModule,
        RegistryModule,
        SessionsModule,
        PurgeModule,
        IdentityModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
