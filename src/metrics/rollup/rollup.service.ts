import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectSettings, MetricsSettings } from '../../config/settings';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { METRICS_DB } from '../../database/roles';
import { METRIC_TABLES } from '../metric-tables';
import { HOUR_MS } from '../../common/time';
import { floorTo } from '../time-range';
import { rollupSql } from './rollup-sql';

/** Advisory lock key of the rollup job ("fourroll" in ASCII): one replica at a time. */
export const ROLLUP_LOCK_KEY = '7381247448690158700';
export const ROLLUP_JOB = 'metrics-rollup';

export interface RollupOutcome {
  /** False when another replica held the lock: nothing was done. */
  ran: boolean;
  from: string;
  to: string;
  /** Hourly rows inserted or updated, per rollup table. */
  upserted: Record<string, number>;
  duration_ms: number;
}

/**
 * Fills the five `*_hourly` tables from the raw rows. Runs every
 * METRICS_ROLLUP_INTERVAL_SECONDS (unless METRICS_ROLLUP_ENABLED=false on this replica)
 * over the last METRICS_ROLLUP_LATE_DATA_HOURS closed hours, so rows that arrive late
 * (spool replays, clients that batch) are counted; on demand over any number of hours.
 */
@Injectable()
export class RollupService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Rollup');
  private readonly enabled: boolean;
  private readonly intervalMs: number;
  private readonly lateHours: number;
  private running: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource(METRICS_DB) private readonly metrics: DataSource,
    private readonly scheduler: SchedulerRegistry,
    @InjectSettings('metrics') settings: MetricsSettings,
  ) {
    ({ enabled: this.enabled, intervalMs: this.intervalMs, lateDataHours: this.lateHours } = settings.rollup);
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const timer = setInterval(() => void this.scheduledRollup(), this.intervalMs);
    timer.unref();
    this.scheduler.addInterval(ROLLUP_JOB, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', ROLLUP_JOB)) this.scheduler.deleteInterval(ROLLUP_JOB);
    await this.running?.catch(() => undefined);
  }

  /** The scheduled job: the late-data window of closed hours. Never throws. */
  async scheduledRollup(): Promise<void> {
    try {
      const outcome = await this.rollup(this.lateHours);
      if (outcome.ran)
        this.logger.log(`rolled up ${outcome.from} .. ${outcome.to}: ${JSON.stringify(outcome.upserted)} in ${outcome.duration_ms} ms`);
    } catch (error) {
      this.logger.warn(`rollup failed: ${(error as Error).message}`);
    }
  }

  /** Recomputes the closed hours of the last `hoursBack` hours, under a transaction-scoped advisory lock. */
  async rollup(hoursBack: number, now = new Date()): Promise<RollupOutcome> {
    const to = floorTo(now, 'hour');
    const from = new Date(to.getTime() - hoursBack * HOUR_MS);
    const started = performance.now();
    const run = this.metrics.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [ROLLUP_LOCK_KEY]);
      if (!locked) return null;
      const upserted: Record<string, number> = {};
      for (const table of Object.values(METRIC_TABLES)) {
        const result = await manager.queryRunner!.query(rollupSql(table), [from, to], true);
        upserted[table.hourly] = result.affected ?? 0;
      }
      return upserted;
    });
    this.running = run;
    const upserted = await run;
    return {
      ran: upserted !== null,
      from: from.toISOString(),
      to: to.toISOString(),
      upserted: upserted ?? {},
      duration_ms: Math.round(performance.now() - started),
    };
  }
}
