import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DAY_MS, HOUR_MS } from '../../common/time';
import { InjectSettings, MetricsSettings, PartitionSettings } from '../../config/settings';
import { METRICS_DB } from '../../database/roles';
import { periodStart } from '../../partitioning/partition-plan';
import { METRIC_TABLES, MetricTable } from '../metric-tables';
import { floorTo, weekStart } from '../time-range';
import { compactDays, CompactionInputRow } from './daily-compaction';
import {
  clearExpiredPendingSql,
  compactionApplySql,
  compactionInputSql,
  compactionParams,
  expireRollupsSql,
  keyColumns,
  pendingPeriodsSql,
  rollupHoursSql,
  weekApplySql,
  weekInputSql,
  weeksToBuildSql,
} from './rollup-sql';

/** Advisory lock key of the rollup job ("fourroll" in ASCII): one replica at a time. */
export const ROLLUP_LOCK_KEY = '7381247448690158700';
export const ROLLUP_JOB = 'metrics-rollup';
/** Days compacted per transaction, and rollup rows deleted per retention batch. */
const DAYS_PER_TRANSACTION = 31;
const EXPIRE_BATCH = 10_000;

export interface TableRollup {
  /** Hours recomputed from raw rows, days compacted from hours, weekly rows built from days, rows written. */
  hours: number;
  days: number;
  weeks: number;
  written: number;
  expired: number;
}

export interface RollupOutcome {
  /** False when another replica held the lock: that work is left to it. */
  ran: boolean;
  /** With `hours_back`: the closed hours recomputed whether pending or not. */
  from: string | null;
  to: string;
  tables: Record<string, TableRollup>;
  duration_ms: number;
}

class LockBusy extends Error {}

/**
 * Keeps the five `*_hourly` tables: hourly rows from raw rows, daily rows from hourly rows,
 * retention. Only what changed is recomputed: every raw write bumps `pending_changes` of its
 * hour and day rows (a trigger, in the writer's transaction), and a run recomputes the closed
 * hours that are pending, METRICS_ROLLUP_CHUNK_HOURS per transaction, then compacts the closed
 * days that are pending. Every METRICS_ROLLUP_INTERVAL_SECONDS (unless METRICS_ROLLUP_ENABLED
 * =false on this replica), under a transaction-scoped advisory lock taken per chunk.
 */
@Injectable()
export class RollupService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Rollup');
  private readonly rollupSettings: MetricsSettings['rollup'];
  private running: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource(METRICS_DB) private readonly metrics: DataSource,
    private readonly scheduler: SchedulerRegistry,
    @InjectSettings('metrics') settings: MetricsSettings,
    @InjectSettings('partitions') private readonly partitions: PartitionSettings,
  ) {
    this.rollupSettings = settings.rollup;
  }

  onApplicationBootstrap(): void {
    if (!this.rollupSettings.enabled) return;
    const timer = setInterval(() => void this.scheduledRollup(), this.rollupSettings.intervalMs);
    timer.unref();
    this.scheduler.addInterval(ROLLUP_JOB, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', ROLLUP_JOB)) this.scheduler.deleteInterval(ROLLUP_JOB);
    await this.running?.catch(() => undefined);
  }

  /** The scheduled job: pending hours and days. Never throws. */
  async scheduledRollup(): Promise<void> {
    try {
      const outcome = await this.rollup();
      const busy = Object.entries(outcome.tables).filter(([, t]) => t.hours || t.days || t.weeks || t.expired);
      if (outcome.ran && busy.length) this.logger.log(`rolled up ${JSON.stringify(Object.fromEntries(busy))} in ${outcome.duration_ms} ms`);
    } catch (error) {
      this.logger.warn(`rollup failed: ${(error as Error).message}`);
    }
  }

  /**
   * One run: the pending closed hours of every table (and, with `hoursBack`, every closed
   * hour of that window too), then the pending closed days, then retention.
   */
  rollup(options: { hoursBack?: number } = {}, now = new Date()): Promise<RollupOutcome> {
    const run = this.run(options.hoursBack, now);
    this.running = run;
    return run;
  }

  private async run(hoursBack: number | undefined, now: Date): Promise<RollupOutcome> {
    const started = performance.now();
    const nowHour = floorTo(now, 'hour');
    const forcedFrom = hoursBack ? new Date(nowHour.getTime() - hoursBack * HOUR_MS) : null;
    const tables: Record<string, TableRollup> = {};
    let ran = true;
    try {
      for (const t of Object.values(METRIC_TABLES)) tables[t.hourly] = await this.rollupTable(t, now, forcedFrom);
    } catch (error) {
      if (!(error instanceof LockBusy)) throw error;
      ran = false;
    }
    return {
      ran,
      from: forcedFrom?.toISOString() ?? null,
      to: nowHour.toISOString(),
      tables,
      duration_ms: Math.round(performance.now() - started),
    };
  }

  /** Raw rows are complete from here on: older raw partitions may have been dropped. */
  private rawCompleteFrom(now: Date): Date {
    const { period, retentionDays } = this.partitions.groups.metrics;
    return periodStart(new Date(now.getTime() - retentionDays * DAY_MS), period);
  }

  private async rollupTable(t: MetricTable, now: Date, forcedFrom: Date | null): Promise<TableRollup> {
    const outcome: TableRollup = { hours: 0, days: 0, weeks: 0, written: 0, expired: 0 };
    const nowHour = floorTo(now, 'hour');
    const rawFrom = this.rawCompleteFrom(now);
    const hourlyFrom = floorTo(new Date(now.getTime() - this.rollupSettings.hourlyRetentionDays * DAY_MS), 'day');

    // Hours: pending ones, plus the forced window; never those whose raw rows may be gone.
    await this.locked((m) => m.query(clearExpiredPendingSql(t), ['hour', rawFrom]));
    const pending: Array<{ hour_start: Date }> = await this.metrics.query(pendingPeriodsSql(t), ['hour', nowHour]);
    const hours = new Set(pending.map((r) => new Date(r.hour_start).getTime()));
    if (forcedFrom) {
      for (let h = Math.max(forcedFrom.getTime(), rawFrom.getTime()); h < nowHour.getTime(); h += HOUR_MS) hours.add(h);
    }
    const ordered = [...hours].sort((a, b) => a - b).map((h) => new Date(h));
    for (let i = 0; i < ordered.length; i += this.rollupSettings.chunkHours) {
      const chunk = ordered.slice(i, i + this.rollupSettings.chunkHours);
      outcome.written += await this.locked(async (m) => (await m.query(rollupHoursSql(t), [chunk]))[0].written as number);
      outcome.hours += chunk.length;
    }

    // Days: closed, pending, and their hourly rows still kept.
    await this.locked((m) => m.query(clearExpiredPendingSql(t), ['day', hourlyFrom]));
    const closedBefore = new Date(floorTo(now, 'day').getTime());
    const days: Array<{ hour_start: Date }> = await this.metrics.query(pendingPeriodsSql(t), ['day', closedBefore]);
    for (let i = 0; i < days.length; i += DAYS_PER_TRANSACTION) {
      const batch = days.slice(i, i + DAYS_PER_TRANSACTION).map((d) => new Date(d.hour_start));
      const written = await this.locked(async (m) => {
        const rows: CompactionInputRow[] = await m.query(compactionInputSql(t), [batch]);
        const daily = compactDays(rows, keyColumns(t));
        if (!daily.length) return 0;
        return (await m.queryRunner!.query(compactionApplySql(t), compactionParams(t, daily), true)).affected ?? 0;
      });
      outcome.days += batch.length;
      outcome.written += written;
    }

    // Weeks: closed, within the daily retention, rebuilt from their daily rows when missing or older than one of them.
    const dailyFrom = floorTo(new Date(now.getTime() - this.rollupSettings.dailyRetentionDays * DAY_MS), 'day');
    // The weeks with something to build are found in one statement; only those are read and written.
    const weeks: Array<{ week: Date }> = await this.metrics.query(weeksToBuildSql(t), [weekStart(dailyFrom, true), weekStart(closedBefore)]);
    for (const { week } of weeks) {
      outcome.written += await this.locked(async (m) => {
        const weekly = compactDays(await m.query(weekInputSql(t), [new Date(week)]), keyColumns(t));
        if (!weekly.length) return 0;
        outcome.weeks += weekly.length;
        return (await m.queryRunner!.query(weekApplySql(t), compactionParams(t, weekly), true)).affected ?? 0;
      });
    }

    // Retention: hourly rows, then daily and weekly rows, in bounded batches.
    for (const [period, before] of [
      ['hour', hourlyFrom],
      ['day', dailyFrom],
      ['week', dailyFrom],
    ] as const) {
      for (;;) {
        const gone = await this.locked(
          async (m) => (await m.queryRunner!.query(expireRollupsSql(t), [period, before, EXPIRE_BATCH], true)).affected ?? 0,
        );
        outcome.expired += gone;
        if (gone < EXPIRE_BATCH) break;
      }
    }
    return outcome;
  }

  /** A short transaction holding the rollup's advisory lock; LockBusy when another replica holds it. */
  private locked<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.metrics.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [ROLLUP_LOCK_KEY]);
      if (!locked) throw new LockBusy();
      // Each hour's values are gathered and sorted in memory.
      await manager.query(`SET LOCAL work_mem = '64MB'`);
      return work(manager);
    });
  }
}
