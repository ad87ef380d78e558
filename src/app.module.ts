import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { Env } from './config/configuration';
import { CoreModule } from './core/core.module';
import { DatabaseModule } from './database/database.module';
import { topologyFromEnv } from './database/database-topology';
import { HealthModule } from './health/health.module';
import { LogsModule } from './logs/logs.module';
import { MetricsModule } from './metrics/metrics.module';
import { ObservabilityModule } from './observability/observability.module';
import { WriterModule } from './writer/writer.module';

@Module({})
export class AppModule {
  /** `env` is the validated configuration (see parseEnv); DATABASE_URL must be resolved by then. */
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => env] }),
        ScheduleModule.forRoot(),
        DatabaseModule.forRoot(topologyFromEnv(env), { poolSize: env.DB_POOL_SIZE, connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS }),
        WriterModule,
        CoreModule,
        MetricsModule,
        LogsModule,
        ObservabilityModule,
        HealthModule,
      ],
    };
  }
}
