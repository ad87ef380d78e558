import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CORE_DB, LOGS_DB, METRICS_DB, OBSERVABILITY_DB, Role } from '../database/roles';

type Row = Record<string, unknown>;

/**
 * The one door from request handling to the append-only tables (audit, permission audit,
 * structured logs, security events, auth events, token usage). Everything else in the
 * service writes rows through this adapter, so that swapping its implementation for the
 * shared buffered COPY writer changes this file only.
 *
 * Interim implementation (until the shared writer lands): buffered rows are inserted every
 * 200 ms and kept in memory while their database is down; durable rows are committed in a
 * transaction with `SET LOCAL synchronous_commit = on`, concurrent calls sharing one commit.
 */
@Injectable()
export class RowSink implements OnApplicationShutdown {
  private readonly logger = new Logger('RowSink');
  private readonly sources: Record<Role, DataSource>;
  private readonly queues = new Map<string, { role: Role; table: string; rows: Row[] }>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  private readonly groups = new Map<string, { rows: Row[]; waiters: Array<{ resolve(): void; reject(e: unknown): void }> }>();
  private readonly committing = new Set<string>();

  constructor(
    @InjectDataSource(CORE_DB) core: DataSource,
    @InjectDataSource(METRICS_DB) metrics: DataSource,
    @InjectDataSource(LOGS_DB) logs: DataSource,
    @InjectDataSource(OBSERVABILITY_DB) observability: DataSource,
  ) {
    this.sources = { core, metrics, logs, observability };
    this.timer = setInterval(() => void this.flush().catch(() => undefined), 200);
    this.timer.unref();
  }

  /** Buffered, relaxed commit. */
  enqueue(role: Role, table: string, rows: Row[]): void {
    const key = `${role}:${table}`;
    const queue = this.queues.get(key) ?? { role, table, rows: [] };
    queue.rows.push(...rows);
    this.queues.set(key, queue);
  }

  /** Resolves once committed with synchronous_commit = on. */
  writeDurable(role: Role, table: string, rows: Row[]): Promise<void> {
    const key = `${role}:${table}`;
    return new Promise<void>((resolve, reject) => {
      const group = this.groups.get(key) ?? { rows: [], waiters: [] };
      group.rows.push(...rows);
      group.waiters.push({ resolve, reject });
      this.groups.set(key, group);
      void this.commitGroup(role, table);
    });
  }

  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      for (const [key, queue] of this.queues) {
        if (queue.rows.length === 0) continue;
        const batch = queue.rows.splice(0, queue.rows.length);
        try {
          await insertRows(this.sources[queue.role], queue.table, batch, false);
        } catch (error) {
          queue.rows.unshift(...batch);
          this.logger.debug(`${key}: ${(error as Error).message}; kept ${queue.rows.length} rows`);
        }
      }
    })().finally(() => (this.flushing = null));
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  private async commitGroup(role: Role, table: string): Promise<void> {
    const key = `${role}:${table}`;
    if (this.committing.has(key)) return;
    this.committing.add(key);
    try {
      for (let group = this.groups.get(key); group; group = this.groups.get(key)) {
        this.groups.delete(key);
        try {
          await insertRows(this.sources[role], table, group.rows, true);
          group.waiters.forEach((w) => w.resolve());
        } catch (error) {
          group.waiters.forEach((w) => w.reject(error));
        }
      }
    } finally {
      this.committing.delete(key);
    }
  }
}

/** One multi-row INSERT (ON CONFLICT DO NOTHING: ids are assigned by the caller, a replay is harmless). */
async function insertRows(db: DataSource, table: string, rows: Row[], durable: boolean): Promise<void> {
  if (rows.length === 0) return;
  if (!db.isInitialized) throw new Error('database not connected');
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const params: unknown[] = [];
  const tuples = rows.map(
    (row) =>
      `(${columns
        .map((c) => {
          const v = row[c];
          params.push(v === undefined ? null : v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);
          return `$${params.length}`;
        })
        .join(', ')})`,
  );
  const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`;
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL synchronous_commit = ${durable ? 'on' : 'off'}`);
    await tx.query(sql, params);
  });
}
