import { Module, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Env } from '../config/configuration';
import { DATABASE_TOPOLOGY } from '../database/database.constants';
import { DatabaseTopology } from '../database/database-topology';
import { ROLES } from '../database/roles';
import { PartitioningModule } from '../partitioning/partitioning.module';
import { DatabaseStatusService } from './database-status.service';
import { roleIndicatorToken } from './health.constants';
import { HealthController } from './health.controller';
import { RoleHealthIndicator } from './role-health.indicator';
import { StatusController } from './status.controller';

/** One indicator per role, each handed the DataSource injected under that role's name. */
const indicators: Provider[] = ROLES.map((role) => ({
  provide: roleIndicatorToken(role),
  inject: [getDataSourceToken(role), DATABASE_TOPOLOGY, HealthIndicatorService, ConfigService],
  useFactory: (dataSource: DataSource, topology: DatabaseTopology, service: HealthIndicatorService, config: ConfigService<Env, true>) =>
    new RoleHealthIndicator(role, dataSource, topology, service, config.get('HEALTH_CHECK_TIMEOUT_MS', { infer: true })),
}));

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }), PartitioningModule],
  controllers: [HealthController, StatusController],
  providers: [...indicators, DatabaseStatusService],
  exports: indicators,
})
export class HealthModule {}
