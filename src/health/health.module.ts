import { Module, Provider } from '@nestjs/common';
import { getConfigToken } from '@nestjs/config';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { HealthSettings } from '../config/settings';
import { DATABASE_TOPOLOGY } from '../database/database.constants';
import { DatabaseTopology } from '../database/database-topology';
import { ROLE_DATA_SOURCES, RoleDataSources } from '../database/role-data-sources';
import { Role, ROLES } from '../database/roles';
import { OtlpModule } from '../otlp/otlp.module';
import { PartitioningModule } from '../partitioning/partitioning.module';
import { DatabaseStatusService } from './database-status.service';
import { ROLE_INDICATORS } from './health.constants';
import { HealthController } from './health.controller';
import { RoleHealthIndicator } from './role-health.indicator';
import { StatusController } from './status.controller';

const indicators: Provider = {
  provide: ROLE_INDICATORS,
  inject: [ROLE_DATA_SOURCES, DATABASE_TOPOLOGY, HealthIndicatorService, getConfigToken('health')],
  useFactory: (dataSources: RoleDataSources, topology: DatabaseTopology, service: HealthIndicatorService, settings: HealthSettings) =>
    Object.fromEntries(
      ROLES.map((role) => [role, new RoleHealthIndicator(role, dataSources[role], topology, service, settings.checkTimeoutMs)]),
    ) as Record<Role, RoleHealthIndicator>,
};

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }), PartitioningModule, OtlpModule],
  controllers: [HealthController, StatusController],
  providers: [indicators, DatabaseStatusService],
  exports: [ROLE_INDICATORS],
})
export class HealthModule {}
