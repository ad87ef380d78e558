import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { getDataSourceToken, getEntityManagerToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseSettings } from '../config/settings';
import { DataSourceConnector } from './data-source-connector';
import { dataSourceOptions } from './data-source-options';
import { DATABASE_TOPOLOGY } from './database.constants';
import { DatabaseTopology } from './database-topology';
import { ROLE_DURABILITY } from './durability';
import { durabilityOf, ROLE_REGISTRY, RoleRegistry } from './role-definition';
import { roleDataSourcesProvider, ROLE_DATA_SOURCES } from './role-data-sources';
import { CORE_DB, ROLES } from './roles';

/**
 * One TypeORM DataSource per physical database, named after the first role it hosts.
 * A role that shares a database gets its DataSource and EntityManager tokens as aliases
 * of the host's, so `@InjectDataSource(METRICS_DB)` works the same whether metrics has its own database or lives in core. Also provides the
 * role registry, every role's DataSource at once (ROLE_DATA_SOURCES) and each role's
 * write durability (ROLE_DURABILITY).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(topology: DatabaseTopology, registry: RoleRegistry, settings: DatabaseSettings): DynamicModule {
    const connections = topology.databases.map((db) =>
      TypeOrmModule.forRootAsync({
        name: db.name,
        useFactory: () => ({
          ...dataSourceOptions(db, registry, settings),
          // Optional databases connect in the background (DataSourceConnector).
          manualInitialization: db.name !== CORE_DB,
          retryAttempts: 3,
          retryDelay: 2000,
        }),
        // Entity metadata is built up front so that repositories of an optional role can be
        // injected before its database answers; queries fail until it connects.
        dataSourceFactory: async (options) => {
          const dataSource = new DataSource(options!);
          if (db.name !== CORE_DB) await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
          return dataSource;
        },
      }),
    );
    const aliases: Provider[] = ROLES.filter((role) => topology.roles[role].dataSourceName !== role).flatMap((role) => [
      { provide: getDataSourceToken(role), useExisting: getDataSourceToken(topology.roles[role].dataSourceName) },
      { provide: getEntityManagerToken(role), useExisting: getEntityManagerToken(topology.roles[role].dataSourceName) },
    ]);
    return {
      module: DatabaseModule,
      imports: connections,
      providers: [
        { provide: DATABASE_TOPOLOGY, useValue: topology },
        { provide: ROLE_REGISTRY, useValue: registry },
        { provide: ROLE_DURABILITY, useValue: durabilityOf(registry, settings) },
        roleDataSourcesProvider,
        DataSourceConnector,
        ...aliases,
      ],
      exports: [
        DATABASE_TOPOLOGY,
        ROLE_REGISTRY,
        ROLE_DURABILITY,
        ROLE_DATA_SOURCES,
        ...aliases.map((p) => (p as { provide: string }).provide),
      ],
    };
  }
}
