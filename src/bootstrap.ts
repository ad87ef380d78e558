import { Logger } from '@nestjs/common';
import { ConfigError, Env, parseEnv } from './config/configuration';
import { describeUrl } from './database/database-topology';
import { EmbeddedRefused, UsedPostgres, useEmbeddedPostgres } from './database/embedded-server';

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
 * With DATABASE_URL unset, uses the embedded PostgreSQL and returns the environment with
 * DATABASE_URL pointing at it. The service starts it (and refuses when one already runs on the
 * data directory); a CLI command (`shareRunning`) uses the one `npm start` runs, or starts its own
 * when none runs. `embedded.stop()` stops only a server this process started.
 */
export async function withDatabase(
  env: Env,
  logger: Logger,
  options: { shareRunning: boolean } = { shareRunning: true },
): Promise<{ env: Env; embedded?: UsedPostgres }> {
  if (env.DATABASE_URL) {
    logger.log(`core database: ${describeUrl(env.DATABASE_URL)}`);
    return { env };
  }
  logger.log(`DATABASE_URL is not set: embedded PostgreSQL on port ${env.EMBEDDED_PG_PORT} (data in ${env.EMBEDDED_PG_DATA_DIR})`);
  let embedded: UsedPostgres;
  try {
    embedded = await useEmbeddedPostgres(
      { dataDir: env.EMBEDDED_PG_DATA_DIR, port: env.EMBEDDED_PG_PORT, database: EMBEDDED_DATABASE, shareRunning: options.shareRunning },
      (line) => logger.log(line),
    );
  } catch (error) {
    if (!(error instanceof EmbeddedRefused)) throw error;
    process.stderr.write(`refused: ${error.message}\n`);
    process.exit(1);
  }
  logger.log(`core database: embedded PostgreSQL ${describeUrl(embedded.url)}${embedded.owned ? '' : ' (already running)'}`);
  return { env: { ...env, DATABASE_URL: embedded.url }, embedded };
}
