import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { describeError, sqlState, SQLSTATE } from '../../common/pg-errors';
import { InjectSettings, PurgeSettings, SessionSettings } from '../../config/settings';
import { CORE_DB } from '../../database/roles';
import { EXPIRY_PURGES } from './expiry-purges';

export const EXPIRY_PURGE_JOB = 'core-expiry-purge';

export interface PurgeOutcome {
  /** Rows deleted per table. */
  deleted: Record<string, number>;
  /** Tables whose purge stopped at a lock timeout (left to the next run). */
  yielded: string[];
  duration_ms: number;
}

/**
 * Deletes expired core rows (EXPIRY_PURGES) every CORE_PURGE_INTERVAL_SECONDS, unless
 * CORE_PURGE_ENABLED=false on this replica. Each batch is its own short transaction with a
 * lock_timeout, of at most CORE_PURGE_BATCH_ROWS rows taken with SKIP LOCKED: replicas purging
 * at once share the work instead of queueing, and appends never wait behind a purge.
 */
@Injectable()
export class ExpiryPurgeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Purge');
  private running: Promise<PurgeOutcome> | null = null;
  private stopped = false;

  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly scheduler: SchedulerRegistry,
    @InjectSettings('purge') private readonly settings: PurgeSettings,
    @InjectSettings('sessions') private readonly sessions: SessionSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    const timer = setInterval(() => void this.scheduledPurge(), this.settings.intervalMs);
    timer.unref();
    this.scheduler.addInterval(EXPIRY_PURGE_JOB, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', EXPIRY_PURGE_JOB)) this.scheduler.deleteInterval(EXPIRY_PURGE_JOB);
    await this.running?.catch(() => undefined);
  }

  /** The scheduled job. Never throws. */
  async scheduledPurge(): Promise<void> {
    if (this.running || this.stopped) return;
    try {
      const outcome = await this.purge();
      const busy = Object.entries(outcome.deleted).filter(([, n]) => n > 0);
      if (busy.length) this.logger.log(`purged ${JSON.stringify(Object.fromEntries(busy))} in ${outcome.duration_ms} ms`);
    } catch (error) {
      this.logger.warn(`purge failed: ${describeError(error)}`);
    }
  }

  /** One run: every purge, batch after batch, until a batch comes back short. */
  purge(): Promise<PurgeOutcome> {
    const run = this.run().finally(() => (this.running = null));
    this.running = run;
    return run;
  }

  private async run(): Promise<PurgeOutcome> {
    const started = performance.now();
    const outcome: PurgeOutcome = { deleted: {}, yielded: [], duration_ms: 0 };
    const { batchRows, lockTimeoutMs } = this.settings;
    for (const purge of EXPIRY_PURGES) {
      outcome.deleted[purge.table] = 0;
      for (;;) {
        if (this.stopped) break;
        let affected: number;
        try {
          affected = await this.db.transaction(async (tx) => {
            await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
            const [, count] = (await tx.query(purge.sql, [this.sessions.ttlSeconds, batchRows])) as [unknown, number];
            return count;
          });
        } catch (error) {
          if (sqlState(error) !== SQLSTATE.lockNotAvailable) throw error;
          outcome.yielded.push(purge.table);
          break;
        }
        outcome.deleted[purge.table] += affected;
        if (affected < batchRows) break;
      }
    }
    outcome.duration_ms = Math.round(performance.now() - started);
    return outcome;
  }
}
