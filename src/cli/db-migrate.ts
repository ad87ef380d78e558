import { ROLE_DEFINITIONS } from '../role-registry';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { loadEnvOrExit, withDatabase } from '../bootstrap';
import { databaseOf, topologyFromEnv } from '../database/database-topology';
import { migrateDatabase } from '../database/migration-runner';
import { isRole, ROLES } from '../database/roles';

/**
 * `npm run db:migrate [-- --role NAME]`: applies pending migrations to every configured
 * database (or only the one hosting NAME, for that role). Safe to run from several
 * processes at once, and a second run changes nothing.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string' } } });
  if (values.role !== undefined && !isRole(values.role)) {
    process.stderr.write(`--role must be one of ${ROLES.join(', ')}\n`);
    process.exit(2);
  }
  const logger = new Logger('db:migrate');
  const { env, embedded } = await withDatabase(loadEnvOrExit(), logger);
  try {
    const topology = topologyFromEnv(env);
    const targets = values.role
      ? [{ db: databaseOf(topology, values.role), roles: [values.role] }]
      : topology.databases.map((db) => ({ db, roles: db.roles }));
    for (const { db, roles } of targets) {
      const outcome = await migrateDatabase(db, ROLE_DEFINITIONS, roles);
      const what = outcome.applied.length ? `applied ${outcome.applied.join(', ')}` : 'up to date';
      process.stdout.write(`${roles.join(' + ')} @ ${db.label}: ${what}\n`);
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
