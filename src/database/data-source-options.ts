import { DataSourceOptions } from 'typeorm';
import { PhysicalDatabase } from './database-topology';
import { ROLE_ENTITIES } from './role-schema';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export const APPLICATION_NAME = 'fourfold';

export interface PoolSettings {
  poolSize: number;
  connectTimeoutMs: number;
}

/**
 * TypeORM options for one physical database: the entities of every role it hosts, one
 * pool. `synchronize` is never on: the schema belongs to the migrations.
 */
export function dataSourceOptions(db: PhysicalDatabase, pool: PoolSettings): DataSourceOptions {
  return {
    type: 'postgres',
    name: db.name,
    url: db.url,
    entities: db.roles.flatMap((role) => ROLE_ENTITIES[role]),
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
