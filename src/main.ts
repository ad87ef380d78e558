// First: self-tracing must wrap http, express and pg before anything loads them.
import { selfTracing } from './observability/self-tracing/register';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadEnvOrExit, withDatabase } from './bootstrap';
import { TraceIngestService } from './observability/ingest/trace-ingest.service';

async function main(): Promise<void> {
  const logger = new Logger('fourfold');
  const { env, embedded } = await withDatabase(loadEnvOrExit(), logger, { shareRunning: false });
  let app;
  try {
    app = await createApp(env);
    selfTracing?.attach(app.get(TraceIngestService));
    await app.listen(env.PORT);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  logger.log(`listening on port ${env.PORT}${selfTracing ? ` (self-tracing: ${selfTracing.mode})` : ''}`);

  // Shut down in order: stop taking requests and flush (app.close), then stop PostgreSQL.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal}: shutting down`);
    try {
      await selfTracing?.shutdown(); // its last spans into the writer, which app.close() flushes
      await app.close();
      await embedded?.stop();
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  new Logger('fourfold').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
