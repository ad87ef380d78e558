import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { parseEnv } from '../config/configuration';
import { databaseOf, topologyFromEnv } from './database-topology';
import { ROLE_ENTITIES } from './role-schema';
import { isRole, Role } from './roles';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * For the TypeORM CLI only (generating a migration from entity changes):
 *
 *   FOURFOLD_ROLE=metrics npx typeorm-ts-node-commonjs migration:generate \
 *     migrations/metrics/add-something -d src/database/typeorm-cli.datasource.ts
 *
 * It sees one role's entities on the database that hosts that role, so the generated SQL
 * touches only that role's tables. Add the new class to migrations/<role>/index.ts; fourfold
 * runs migrations with its own locked runner, never with the TypeORM CLI.
 */
const role = (process.env.FOURFOLD_ROLE ?? 'core') as Role;
if (!isRole(role)) throw new Error('FOURFOLD_ROLE must be core, metrics, logs or observability');
const env = parseEnv(process.env);
if (!env.DATABASE_URL) throw new Error('DATABASE_URL must be set to generate migrations');

export default new DataSource({
  type: 'postgres',
  url: databaseOf(topologyFromEnv(env), role).url,
  entities: ROLE_ENTITIES[role],
  namingStrategy: new SnakeNamingStrategy(),
  synchronize: false,
});
