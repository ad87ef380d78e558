import { Logger } from '@nestjs/common';
import { ConfigError, Env, parseEnv } from './config/configuration';
import { describeUrl } from './database/database-topology';
import { RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';

export const EMBEDDED_DATABASE = 'fourfold';

/** Validates the environment or exits 1 with a message naming the bad variables. */
export function loadEnvOrExit(env: NodeJS.ProcessEnv = process.env): Env {
  try {
    return parseEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * With DATABASE_URL unset, starts the embedded PostgreSQL and returns the environment
 * with DATABASE_URL pointing at it.
 */
export async function withDatabase(env: Env, logger: Logger): Promise<{ env: Env; embedded?: RunningPostgres }> {
  if (env.DATABASE_URL) {
    logger.log(`core database: ${describeUrl(env.DATABASE_URL)}`);
    return { env };
  }
  logger.log(`DATABASE_URL is not set: starting embedded PostgreSQL on port ${env.EMBEDDED_PG_PORT} (data in ${env.EMBEDDED_PG_DATA_DIR})`);
  const embedded = await startEmbeddedPostgres({
    dataDir: env.EMBEDDED_PG_DATA_DIR,
    port: env.EMBEDDED_PG_PORT,
    database: EMBEDDED_DATABASE,
    persistent: true,
  });
  logger.log(`core database: embedded PostgreSQL ${describeUrl(embedded.url)}`);
  return { env: { ...env, DATABASE_URL: embedded.url }, embedded };
}
