import { ROLE_DEFINITIONS } from '../role-registry';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { ADMIN_ROLE, SYSTEM_ROLES } from '../auth/permissions';
import { parseDuration } from '../auth/token';
import { tokenIssuedEntries, tokenRevokedEntry } from '../auth/token-audit';
import { TokenStore } from '../auth/token-store';
import { loadEnvOrExit, withDatabase } from '../bootstrap';
import { databaseOf, topologyFromEnv } from '../database/database-topology';
import { dataSourceOptions } from '../database/data-source-options';
import { migrateDatabase } from '../database/migration-runner';
import { CORE_DB, LOGS_DB } from '../database/roles';
import { AuditEntry, auditRow } from '../logs/audit.service';
import { SecretBox } from '../common/secret-box';
import { settingsFromEnv } from '../config/settings';
import { rotateSecrets } from './secrets-rotate';

const USAGE = `usage:
  npm run cli -- token create --email EMAIL --role ${SYSTEM_ROLES.map((r) => r.name).join('|')} [--expires-in 30d] [--name NAME]
  npm run cli -- token admin [--expires-in 30d]   # a new admin token for ADMIN_EMAIL (the first one lost)
  npm run cli -- token revoke --jti JTI [--reason TEXT]
  npm run cli -- secrets rotate     # every registry secret sealed with SECRET_KEY
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n${code === 2 ? USAGE : ''}`);
  process.exit(code);
}

/**
 * `npm run cli -- token create|admin|revoke`: token management against DATABASE_URL (or the
 * embedded database: the one `npm start` runs, else one started for the command). `token admin`
 * mints an admin token for ADMIN_EMAIL, the way back in when the first token is lost. The token is printed once, on stdout, alone on its line.
 * `npm run cli -- secrets rotate`: see secrets-rotate.ts.
 */
async function main(): Promise<void> {
  const [group, command, ...rest] = process.argv.slice(2);
  const known = (group === 'token' && ['create', 'admin', 'revoke'].includes(command)) || (group === 'secrets' && command === 'rotate');
  if (!known) fail(USAGE.trimEnd());
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      'expires-in': { type: 'string' },
      name: { type: 'string' },
      jti: { type: 'string' },
      reason: { type: 'string' },
    },
  });
  const baseEnv = loadEnvOrExit();
  if (command === 'admin') Object.assign(values, { email: baseEnv.ADMIN_EMAIL, role: ADMIN_ROLE, name: values.name ?? 'admin token (cli)' });
  let expiresInSeconds: number | null = null;
  if (command === 'create' || command === 'admin') {
    if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) fail('--email is required and must be an email address');
    if (!values.role || !SYSTEM_ROLES.some((r) => r.name === values.role))
      fail(`--role must be one of ${SYSTEM_ROLES.map((r) => r.name).join(', ')}`);
    try {
      expiresInSeconds = values['expires-in'] ? parseDuration(values['expires-in']) : null;
    } catch (error) {
      fail(`--expires-in: ${(error as Error).message}`);
    }
  } else if (command === 'revoke' && !values.jti) {
    fail('--jti is required');
  }

  const logger = new Logger('cli');
  Logger.overrideLogger(['error', 'warn']);
  const { env, embedded } = await withDatabase(baseEnv, logger);
  const topology = topologyFromEnv(env);
  const pool = { poolSize: 2, connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS };
  const core = new DataSource(dataSourceOptions(databaseOf(topology, CORE_DB), ROLE_DEFINITIONS, pool));
  try {
    if (env.MIGRATIONS_RUN) await migrateDatabase(databaseOf(topology, CORE_DB), ROLE_DEFINITIONS);
    await core.initialize();
    const store = new TokenStore(core);
    await store.seedRoles();
    const actor = { principal: null, meta: null, fallbackId: 'cli' };
    const entries: AuditEntry[] = [];
    if (group === 'secrets') {
      const report = await rotateSecrets(core, new SecretBox(settingsFromEnv(env).secrets));
      process.stdout.write(`sealed ${report.resealed} secret values again with key ${report.keyId}; ${report.current} rows were current\n`);
      for (const failure of report.failed) process.stderr.write(`could not open: ${failure}\n`);
      if (report.failed.length > 0) process.exitCode = 1;
      if (report.resealed > 0)
        entries.push({
          action: 'rotate',
          resourceType: 'secrets',
          resourceId: report.keyId,
          newValues: { key_id: report.keyId, resealed: report.resealed },
        });
    } else if (command === 'create' || command === 'admin') {
      const issued = await store.issue({ email: values.email!, role: values.role!, expiresInSeconds, name: values.name, grantedBy: 'cli' });
      entries.push(...tokenIssuedEntries(issued, values.name ?? null));
      const expires_at = issued.expiresAt?.toISOString() ?? null;
      process.stderr.write(
        `token for ${issued.email} (role ${issued.role}${issued.role === ADMIN_ROLE ? ', all permissions' : ''}), jti ${issued.jti}, expires ${expires_at ?? 'never'}. Shown once:\n`,
      );
      process.stdout.write(`${issued.token}\n`);
    } else {
      const result = await store.revoke(values.jti!, 'cli', values.reason ?? null);
      if (!result) fail(`no token with jti ${values.jti}`, 1);
      if (result.changed) entries.push(tokenRevokedEntry(result.token, values.reason ?? null));
      process.stdout.write(result.changed ? `revoked ${values.jti}\n` : `${values.jti} was already revoked\n`);
    }
    if (entries.length > 0)
      await writeAudit(
        topology,
        pool,
        env.MIGRATIONS_RUN,
        entries.map((e) => auditRow(actor, e)),
      );
  } finally {
    if (core.isInitialized) await core.destroy();
    await embedded?.stop();
  }
}

/** Audit rows of the CLI go straight to the logs database, committed with synchronous_commit on. */
async function writeAudit(
  topology: ReturnType<typeof topologyFromEnv>,
  pool: { poolSize: number; connectTimeoutMs: number },
  migrate: boolean,
  rows: Record<string, unknown>[],
): Promise<void> {
  const db = databaseOf(topology, LOGS_DB);
  const logs = new DataSource(dataSourceOptions(db, ROLE_DEFINITIONS, pool));
  try {
    if (migrate && db.name !== CORE_DB) await migrateDatabase(db, ROLE_DEFINITIONS);
    await logs.initialize();
    await logs.transaction(async (tx) => {
      await tx.query('SET LOCAL synchronous_commit = on');
      for (const row of rows) {
        const columns = Object.keys(row);
        const params = columns.map((c) => {
          const v = row[c];
          return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
        });
        await tx.query(
          `INSERT INTO audit_trails (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          params,
        );
      }
    });
  } catch (error) {
    process.stderr.write(
      `warning: the change is done but its audit row could not be written to the logs database: ${(error as Error).message}\n`,
    );
    process.exitCode = 3;
  } finally {
    if (logs.isInitialized) await logs.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cli failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
