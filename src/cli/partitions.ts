import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadEnvOrExit, withDatabase } from '../bootstrap';
import { databaseOf, topologyFromEnv } from '../database/database-topology';
import { Role } from '../database/roles';
import { systemClock } from '../partitioning/clock';
import { PartitionMaintainer } from '../partitioning/partition-maintainer';
import { settingsFromEnv } from '../config/settings';
import { readTableStatuses, TableStatus } from '../partitioning/partition-status';
import { saveOutcomes } from '../partitioning/outcome-store';
import { PARTITIONED_TABLES } from '../role-registry';
import { stderrLogger } from './stderr-logger';

const USAGE = 'usage: npm run partitions -- status [--json] | run';

function printStatus(tables: Record<string, TableStatus>): void {
  const header = [
    'table',
    'role',
    'period',
    'retention',
    'partitions',
    'oldest',
    'newest',
    'premade until',
    'default rows',
    'last maintenance',
  ];
  const last = (s: TableStatus) => {
    const m = s.last_maintenance;
    if (!m) return 'never';
    const what = m.error ?? m.reason ?? `created ${m.created}, moved ${m.moved}, dropped ${m.dropped}`;
    return `${m.at} ${m.status} by ${m.by} (${what})`;
  };
  const rows = Object.entries(tables).map(([table, s]) =>
    s.error
      ? [table, s.role, s.period, `${s.retention_days}d`, '-', `error: ${s.error}`, '', '', '', '']
      : [
          table,
          s.role,
          s.period,
          `${s.retention_days}d`,
          String(s.partitions),
          s.oldest_partition?.name ?? '-',
          s.newest_partition?.name ?? '-',
          s.premade_until ?? 'NOT COVERED',
          String(s.default_rows),
          last(s),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const line of [header, ...rows])
    process.stdout.write(
      `${line
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd()}\n`,
    );
}

/**
 * `npm run partitions -- status [--json]`: the per-table view of /status/database, with the
 * last maintenance outcome recorded by any process (kept with each table, outcome-store.ts).
 * `npm run partitions -- run`: one maintenance pass; exits 1 when a table failed.
 * Connects to the databases hosting partitioned tables only; boots no HTTP server.
 */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const [command] = positionals;
  if (positionals.length !== 1 || !['status', 'run'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  Logger.overrideLogger(stderrLogger);
  const logger = new Logger('partitions');
  const { env, embedded } = await withDatabase(loadEnvOrExit(), logger);
  const topology = topologyFromEnv(env);
  const settings = settingsFromEnv(env).partitions;
  const dataSources: Partial<Record<Role, DataSource>> = {};
  const opened = new Map<string, DataSource>();
  try {
    for (const role of new Set(PARTITIONED_TABLES.map((t) => t.role))) {
      const db = databaseOf(topology, role);
      let ds = opened.get(db.name);
      if (!ds) {
        ds = new DataSource({
          type: 'postgres',
          url: db.url,
          extra: { max: 2, connectionTimeoutMillis: env.DB_CONNECT_TIMEOUT_MS, application_name: 'fourfold-partitions' },
        });
        opened.set(db.name, ds);
        // A database that does not answer is reported per table below.
        await ds.initialize().catch((error: Error) => process.stderr.write(`${db.label}: ${error.message}\n`));
      }
      dataSources[role] = ds;
    }
    if (command === 'run') {
      const run = await new PartitionMaintainer(dataSources, settings, systemClock, logger, PARTITIONED_TABLES).run();
      await saveOutcomes(dataSources, PARTITIONED_TABLES, run.tables, settings.lockTimeoutMs, (m) => logger.warn(m));
      for (const t of run.tables) {
        const detail = t.error ?? t.reason ?? `created ${t.created}, moved ${t.moved}, purged ${t.purged}, dropped ${t.dropped}`;
        process.stdout.write(`${t.table}: ${t.status} (${detail})\n`);
      }
      return run.ok ? 0 : 1;
    }
    const tables = await readTableStatuses({ dataSources, settings, tables: PARTITIONED_TABLES, now: systemClock() });
    if (values.json) process.stdout.write(`${JSON.stringify(tables, null, 2)}\n`);
    else printStatus(tables);
    return Object.values(tables).some((t) => t.error) ? 1 : 0;
  } finally {
    await Promise.all([...opened.values()].filter((ds) => ds.isInitialized).map((ds) => ds.destroy()));
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`partitions failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
