import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Queryable } from '../partitioning/partition-catalog';

/**
 * Settings that make a row's text the same on both servers (checksums compare text), whatever
 * the servers' defaults. Session-level: db:move connects directly, never through PgBouncer.
 */
const SESSION_SETTINGS = [
  `SET TimeZone = 'UTC'`,
  `SET DateStyle = 'ISO, MDY'`,
  `SET IntervalStyle = 'postgres'`,
  `SET extra_float_digits = 1`,
  `SET bytea_output = 'hex'`,
  `SET statement_timeout = 0`,
  `SET idle_in_transaction_session_timeout = 0`,
];

export const MOVE_APPLICATION_NAME = 'fourfold-move';

/** One connection of db:move. */
export interface MoveSession extends Queryable {
  client: Client;
  close(): Promise<void>;
}

export async function openSession(url: string, connectTimeoutMs: number): Promise<MoveSession> {
  const client = new Client({
    connectionString: url,
    application_name: MOVE_APPLICATION_NAME,
    connectionTimeoutMillis: connectTimeoutMs,
    // A network path that goes dark (no reset) ends the run with an error instead of hanging it.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An error on an idle client (the server went away) surfaces on the next query instead of crashing.
  client.on('error', () => undefined);
  await client.connect();
  await client.query(SESSION_SETTINGS.join('; '));
  return {
    client,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed by each caller
    query: async (sql: string, params?: unknown[]): Promise<any> => (await client.query(sql, params)).rows,
    close: () => client.end().catch(() => undefined),
  };
}

/** Counts rows of COPY text format as they pass: a raw newline ends a row (one inside a value is escaped). */
class RowCounter extends Transform {
  rows = 0;

  constructor(private readonly onRows: (rows: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let n = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
    if (n) {
      this.rows += n;
      this.onRows(n);
    }
    done(null, chunk);
  }
}

/**
 * Streams `COPY … TO STDOUT` on one connection into `COPY … FROM STDIN` on another, in COPY's
 * text format, without holding more than a few chunks in memory. Returns the rows passed.
 */
export async function pipeCopy(
  source: MoveSession,
  copyOut: string,
  target: MoveSession,
  copyIn: string,
  onRows: (rows: number) => void = () => undefined,
): Promise<number> {
  const counter = new RowCounter(onRows);
  const out = source.client.query(copyTo(copyOut));
  const into = target.client.query(copyFrom(copyIn));
  await pipeline(out, counter, into);
  return counter.rows;
}

export const quoteList = (names: readonly string[]) => names.map((n) => `"${n.replace(/"/g, '""')}"`).join(', ');
