import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { cutAfter } from '../database/deadline';
import { poolOf } from '../database/pool';

/**
 * Runs `work` on a client checked out of the DataSource's pg pool. The client is cut after
 * `ms` (a server that stops answering without closing the connection would otherwise hold
 * it until TCP gives up, minutes later). A client that failed (socket error, cut, or
 * `discard` called by `work`) is thrown away on release, not reused.
 */
export async function withPooledClient<T>(
  dataSource: DataSource,
  ms: number,
  work: (client: PoolClient, discard: (error: Error) => void) => Promise<T>,
): Promise<T> {
  const pool = poolOf(dataSource);
  if (!pool) throw Object.assign(new Error('database not connected'), { code: undefined });
  const client = await pool.connect();
  let broken: Error | undefined;
  const discard = (error: Error) => {
    broken ??= error;
  };
  // A checked-out pg client has no error listener of the pool's: a socket error (the server
  // going away mid-query) would be an uncaught exception. The active query fails with it
  // too, so noting it here is enough.
  client.on('error', discard);
  const deadline = cutAfter(client, ms, discard);
  try {
    return await work(client, discard);
  } finally {
    clearTimeout(deadline);
    client.removeListener('error', discard);
    client.release(broken);
  }
}
