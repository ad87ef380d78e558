import { DataSourceOptions } from 'typeorm';
import { DatabaseSettings } from '../config/settings';
import { PhysicalDatabase } from './database-topology';
import { RoleRegistry } from './role-definition';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export const APPLICATION_NAME = 'fourfold';

export type PoolSettings = Pick<DatabaseSettings, 'poolSize' | 'connectTimeoutMs'>;

/**
 * TypeORM options for one physical database: the entities of every role it hosts, one
 * pool. `synchronize` is never on: the schema belongs to the migrations.
 */
export function dataSourceOptions(db: PhysicalDatabase, registry: RoleRegistry, pool: PoolSettings): DataSourceOptions {
  return {
    type: 'postgres',
    name: db.name,
    url: db.url,
    entities: db.roles.flatMap((role) => registry[role].entities),
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: pool.poolSize,
      connectionTimeoutMillis: pool.connectTimeoutMs,
      application_name: APPLICATION_NAME,
    },
  };
}
