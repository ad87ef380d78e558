import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { parseEnv } from '../config/configuration';
import { databaseOf, topologyFromEnv } from '../database/database-topology';
import { isRole, Role } from '../database/roles';
import { SnakeNamingStrategy } from '../database/snake-naming.strategy';
import { ROLE_DEFINITIONS } from '../role-registry';

/**
 * For the TypeORM CLI only (generating a migration from entity changes):
 *
 *   FOURFOLD_ROLE=metrics npx typeorm-ts-node-commonjs migration:generate \
 *     migrations/metrics/add-something -d src/cli/typeorm.datasource.ts
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
  entities: ROLE_DEFINITIONS[role].entities,
  namingStrategy: new SnakeNamingStrategy(),
  synchronize: false,
});
