import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { classifyWriteError } from '../common/pg-errors';
import { SynchronousCommit } from '../database/durability';
import { Batch, quoteColumns, quoteIdent } from './copy-encoding';
import { withPooledClient } from './pooled-client';
import { TableSchema } from './table-schema';
import { WriterTable } from './writer-table';

/**
 * What a row whose primary key is already there does: `fail` the transaction (plain COPY,
 * the fast path), or `skip` the row (COPY into a temporary stage, then INSERT … ON CONFLICT
 * DO NOTHING), for rows that may have been committed before (replays, retries).
 */
export type OnConflict = 'fail' | 'skip';

export interface CopyOptions {
  /** SET LOCAL for this transaction only: a session SET would leak to other clients behind PgBouncer. */
  synchronousCommit: SynchronousCommit;
  onConflict: OnConflict;
}

/**
 * One transaction on the table's database: SET LOCAL synchronous_commit, then COPY each
 * batch. Counts the commit on the table and returns the number of rows inserted (fewer
 * than given when `onConflict: 'skip'` skipped some). Cut after `timeoutMs`.
 */
export async function copyTransaction(table: WriterTable, batches: Batch[], options: CopyOptions, timeoutMs: number): Promise<number> {
  return withPooledClient(table.dataSource, timeoutMs, async (client, discard) => {
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL synchronous_commit = ${options.synchronousCommit === 'on' ? 'on' : 'off'}`);
      let inserted = 0;
      for (let i = 0; i < batches.length; i++) {
        const rows = await copyBatch(client, table.schema, batches[i], options.onConflict, `ff_stage_${i}`);
        inserted += rows;
      }
      await client.query('COMMIT');
      table.counters.commits++;
      return inserted;
    } catch (error) {
      // A connection that failed mid-transaction is thrown away, not reused.
      if (classifyWriteError(error) === 'unavailable') discard(error as Error);
      else await client.query('ROLLBACK').catch(discard);
      throw error;
    }
  });
}

async function copyBatch(client: PoolClient, schema: TableSchema, batch: Batch, onConflict: OnConflict, stage: string): Promise<number> {
  const table = quoteIdent(schema.table);
  const list = quoteColumns(batch.columns.map((c) => c.name));
  if (onConflict === 'fail') {
    await copyText(client, `COPY ${table} (${list}) FROM STDIN`, batch.lines);
    return batch.lines.length;
  }
  await client.query(`CREATE TEMP TABLE ${stage} (LIKE ${table} INCLUDING DEFAULTS) ON COMMIT DROP`);
  await copyText(client, `COPY ${stage} (${list}) FROM STDIN`, batch.lines);
  const result = await client.query(
    // In key order: two such inserts with overlapping keys then wait on each other in one order, never in a cycle.
    `INSERT INTO ${table} (${list}) SELECT ${list} FROM ${stage} ORDER BY ${quoteColumns(schema.primaryKey)} ON CONFLICT (${quoteColumns(schema.primaryKey)}) DO NOTHING`,
  );
  return result.rowCount ?? 0;
}

/** Streams COPY text in chunks of up to a thousand rows, honouring back-pressure. */
async function copyText(client: PoolClient, sql: string, lines: string[]): Promise<void> {
  const CHUNK = 1000;
  function* chunks() {
    for (let i = 0; i < lines.length; i += CHUNK) yield lines.length <= CHUNK ? lines.join('') : lines.slice(i, i + CHUNK).join('');
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(sql)));
}
