import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadEnvOrExit, withDatabase } from '../bootstrap';
import { describeError } from '../common/pg-errors';
import { settingsFromEnv } from '../config/settings';
import { addressOf, databaseOf, describeUrl, topologyFromEnv } from '../database/database-topology';
import { CORE_DB } from '../database/roles';
import { Endpoint, MOVE_USAGE, MoveArgs, parseMoveArgs } from '../move/move-args';
import { MoveRefused } from '../move/move-preflight';
import { MoveProgress, progressFor } from '../move/move-progress';
import { RoleMover } from '../move/mover';
import { formatVerifyTable, summarize, VerifyRow } from '../move/verify-report';
import { ROLE_DEFINITIONS } from '../role-registry';
import { stderrLogger } from './stderr-logger';

/** A target statement waits this long for a lock held by live traffic before the run stops (run it again). */
const LOCK_TIMEOUT_MS = 10_000;

/** Exit codes: 0 done (and verified), 1 failed or verify found differences, 2 bad arguments, 3 refused (nothing written). */
const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;

function sameAddress(a: string, b: string): boolean {
  const x = addressOf(a);
  const y = addressOf(b);
  return x.host === y.host && x.port === y.port && x.database === y.database;
}

function reportVerify(rows: VerifyRow[], progress: MoveProgress, terminal: boolean): boolean {
  const summary = summarize(rows);
  progress.record('verify_summary', {
    ok: summary.ok,
    units: summary.units,
    tables: summary.tables,
    mismatched: summary.mismatched.length,
  });
  // On a terminal the table goes to stdout; with JSON lines on stdout, to stderr.
  const out = terminal ? process.stdout : process.stderr;
  if (summary.ok) {
    out.write(`verify: all ${summary.units} partitions of ${summary.tables} tables match\n`);
    if (summary.ahead.length) {
      out.write(`the target holds more in ${summary.ahead.length} of them (written or updated there since the cut-over):\n`);
      out.write(`${formatVerifyTable(summary.ahead)}\n`);
    }
  } else {
    out.write(`verify: ${summary.mismatched.length} of ${summary.units} partitions differ:\n${formatVerifyTable(summary.mismatched)}\n`);
  }
  return summary.ok;
}

async function move(args: MoveArgs, progress: MoveProgress, terminal: boolean): Promise<number> {
  const logger = new Logger('db:move');
  const { env, embedded } = await withDatabase(loadEnvOrExit(), logger);
  try {
    const topology = topologyFromEnv(env);
    const coreUrl = databaseOf(topology, CORE_DB).url;
    const resolve = (e: Endpoint) => (e.kind === 'core' ? coreUrl : e.url);
    const sourceUrl = args.from ? resolve(args.from) : databaseOf(topology, args.role).url;
    const targetUrl = resolve(args.to);
    if (sameAddress(sourceUrl, targetUrl)) {
      throw new MoveRefused(
        `source and target are the same database (${describeUrl(sourceUrl)}): the ${args.role} role already lives there` +
          (args.from ? '' : ' per the current configuration (after a restart with the new URL, pass --from with the old location)'),
      );
    }
    const mover = await RoleMover.open({
      role: args.role,
      sourceUrl,
      targetUrl,
      registry: ROLE_DEFINITIONS,
      partitions: settingsFromEnv(env).partitions,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      lockTimeoutMs: LOCK_TIMEOUT_MS,
      progress,
    });
    try {
      if (!args.verifyOnly) await mover.copy();
      if (args.dropSource) {
        const result = await mover.dropSource();
        if ('mismatches' in result) {
          reportVerify(result.mismatches, progress, terminal);
          process.stderr.write(`--drop-source: nothing dropped, the source and the target differ\n`);
          return EXIT.failed;
        }
        progress.record('dropped', { source: mover.sourceLabel, tables: result.dropped });
        (terminal ? process.stdout : process.stderr).write(
          `verified, then dropped ${result.dropped.length} ${args.role} tables from ${mover.sourceLabel}\n`,
        );
      } else if (args.verify && !reportVerify(await mover.verify(), progress, terminal)) {
        return EXIT.failed;
      }
      return EXIT.ok;
    } finally {
      await mover.close();
    }
  } finally {
    await embedded?.stop();
  }
}

/**
 * `npm run db:move -- --role metrics --to <url|core>`: moves a role's rows between databases.
 * See MOVE_USAGE and docs/operations.md "Operating fourfold".
 */
async function main(): Promise<number> {
  const args = parseMoveArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`${args.error}\n${MOVE_USAGE}\n`);
    return EXIT.usage;
  }
  Logger.overrideLogger(stderrLogger);
  const { progress, terminal } = progressFor(args.progress);
  // Ctrl+C: the unit in flight is rolled back by the target; a second run carries on from there.
  process.once('SIGINT', () => {
    progress.abort();
    process.stderr.write('\ninterrupted: run the same command again to continue where it stopped\n');
    process.exit(130);
  });
  try {
    return await move(args, progress, terminal);
  } catch (error) {
    if (error instanceof MoveRefused) {
      progress.record('refused', { message: error.message });
      process.stderr.write(`db:move refused: ${error.message}\nNothing was written.\n`);
      return EXIT.refused;
    }
    process.stderr.write(`db:move failed: ${describeError(error)}\nRun it again: units already copied are not copied twice.\n`);
    return EXIT.failed;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`db:move failed: ${describeError(error)}\n`);
    process.exit(EXIT.failed);
  },
);
