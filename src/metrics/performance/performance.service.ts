import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRoleDataSources, RoleDataSources } from '../../database/role-data-sources';
import { poolOf } from '../../database/pool';
import { InjectSettings, MetricsSettings } from '../../config/settings';
import { uuidv7 } from '../../common/ids';
import { SchedulerRegistry } from '@nestjs/schedule';
import { hostname, totalmem, cpus } from 'node:os';
import { monitorEventLoopDelay, IntervalHistogram } from 'node:perf_hooks';
import { METRICS_DB } from '../../database/roles';
import { RowWriter } from '../../writer/row-writer';
import { DAY_MS, HOUR_MS } from '../../common/time';
import { floorTo } from '../time-range';
import { OperationWindow, percentile, RateTracker } from './window-stats';

export const SNAPSHOT_JOB = 'performance-snapshot';
export const AGGREGATE_JOB = 'performance-aggregate';
/** Operation name of the row that covers every request of a window. */
export const ALL_REQUESTS = '*';

/**
 * fourfold measures itself, into its own metrics tables, through the same writer as
 * everything else (so a metrics outage spools these rows too):
 * - every PERFORMANCE_SNAPSHOT_SECONDS, one `performance_snapshots` row (memory, CPU,
 *   event-loop delay, pool use, writer queues) and one `performance_metrics` row per HTTP
 *   operation seen in the window (count, errors, duration percentiles), plus a `*` row
 *   for all requests carrying status classes and the peak requests per second;
 * - every 5 minutes, the current and previous hour and day of this host are
 *   (re)aggregated into `performance_aggregates` (idempotent upsert).
 */
@Injectable()
export class PerformanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Performance');
  readonly host = hostname();
  readonly workerId = String(process.pid);
  private readonly enabled: boolean;
  private readonly windowMs: number;
  private windows = new Map<string, OperationWindow>();
  private all = new OperationWindow();
  private readonly rate = new RateTracker();
  private windowStart = new Date();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private lastCpu = process.cpuUsage();
  private lastCpuAt = performance.now();

  constructor(
    private readonly writer: RowWriter,
    private readonly scheduler: SchedulerRegistry,
    @InjectRoleDataSources() private readonly dataSources: RoleDataSources,
    @InjectSettings('metrics') settings: MetricsSettings,
  ) {
    ({ enabled: this.enabled, snapshotMs: this.windowMs } = settings.performance);
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.loopDelay.enable();
    const snapshot = setInterval(() => this.closeWindow(), this.windowMs);
    snapshot.unref();
    this.scheduler.addInterval(SNAPSHOT_JOB, snapshot);
    const aggregate = setInterval(() => void this.aggregateSafely(), 5 * 60_000);
    aggregate.unref();
    this.scheduler.addInterval(AGGREGATE_JOB, aggregate);
  }

  onApplicationShutdown(): void {
    for (const job of [SNAPSHOT_JOB, AGGREGATE_JOB]) if (this.scheduler.doesExist('interval', job)) this.scheduler.deleteInterval(job);
    this.loopDelay.disable();
  }

  /** One finished HTTP request (called by the HTTP middleware). */
  recordRequest(operation: string, durationMs: number, statusCode: number): void {
    if (!this.enabled) return;
    let w = this.windows.get(operation);
    if (!w) this.windows.set(operation, (w = new OperationWindow()));
    w.add(durationMs, statusCode);
    this.all.add(durationMs, statusCode);
    this.rate.hit(Date.now());
  }

  /** Ends the current window: writes its operation rows and a snapshot. Public for tests. */
  closeWindow(now = new Date()): void {
    const start = this.windowStart;
    const windows = this.windows;
    const all = this.all;
    const peak = this.rate.peak;
    this.windows = new Map();
    this.all = new OperationWindow();
    this.rate.reset();
    this.windowStart = now;
    const seconds = Math.max(1, Math.round((now.getTime() - start.getTime()) / 1000));
    const row = (operation: string, w: OperationWindow, extra: Record<string, unknown>) => {
      const sorted = [...w.samples].sort((a, b) => a - b);
      return {
        id: uuidv7(),
        timestamp: now,
        operation_type: operation.slice(0, 100),
        component: 'http',
        request_count: w.count,
        error_count: w.errors,
        error_rate: w.count ? w.errors / w.count : 0,
        avg_duration_ms: w.count ? w.sum / w.count : null,
        min_duration_ms: w.count ? w.min : null,
        max_duration_ms: w.count ? w.max : null,
        p50_duration_ms: percentile(sorted, 0.5),
        p95_duration_ms: percentile(sorted, 0.95),
        p99_duration_ms: percentile(sorted, 0.99),
        window_start: start,
        window_end: now,
        window_duration_seconds: seconds,
        metric_metadata: { host: this.host, worker_id: this.workerId, status: w.status, ...extra },
      };
    };
    const rows = [...windows].map(([op, w]) => row(op, w, {}));
    if (all.count > 0) rows.push(row(ALL_REQUESTS, all, { peak_rps: peak }));
    try {
      if (rows.length) this.writer.enqueue(METRICS_DB, 'performance_metrics', rows);
      this.writer.enqueue(METRICS_DB, 'performance_snapshots', [
        { id: uuidv7(), timestamp: now, host: this.host, worker_id: this.workerId, metrics_json: this.snapshot() },
      ]);
    } catch (error) {
      this.logger.warn(`self-measurement rows dropped: ${(error as Error).message}`);
    }
  }

  /** The process right now. */
  snapshot(): Record<string, unknown> {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = performance.now() - this.lastCpuAt;
    this.lastCpu = process.cpuUsage();
    this.lastCpuAt = performance.now();
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const pools = Object.fromEntries(
      Object.entries(this.dataSources).map(([role, ds]) => {
        const pool = poolOf(ds);
        return [role, pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null];
      }),
    );
    const writer = this.writer.stats();
    const snapshot = {
      uptime_seconds: Math.round(process.uptime()),
      memory: { rss: memory.rss, heap_used: memory.heapUsed, heap_total: memory.heapTotal, external: memory.external },
      memory_percent: (100 * memory.rss) / totalmem(),
      // Share of one core over the interval; divide by cores for the machine share.
      cpu_percent: elapsedMs > 0 ? (100 * (cpu.user + cpu.system)) / 1000 / elapsedMs : 0,
      cpus: cpus().length,
      event_loop_delay_ms: {
        mean: ms(this.loopDelay.mean || 0),
        p50: ms(this.loopDelay.percentile(50) || 0),
        p99: ms(this.loopDelay.percentile(99) || 0),
        max: ms(this.loopDelay.max || 0),
      },
      pools,
      writer: {
        totals: writer.totals,
        queues: writer.tables.filter((t) => t.queued > 0).map((t) => ({ table: t.table, queued: t.queued })),
      },
    };
    this.loopDelay.reset();
    return snapshot;
  }

  private async aggregateSafely(): Promise<void> {
    try {
      await this.aggregate();
    } catch (error) {
      this.logger.warn(`performance aggregation failed: ${(error as Error).message}`);
    }
  }

  /**
   * Upserts this host's hourly and daily aggregates for the current and previous period.
   * Counts are exact sums of the windows; p95 is the count-weighted mean of window p95s,
   * peak requests per second the busiest second seen.
   */
  async aggregate(now = new Date()): Promise<number> {
    const periods: Array<[string, Date, Date]> = [];
    for (const [type, size, bucket] of [
      ['hourly', HOUR_MS, 'hour'],
      ['daily', DAY_MS, 'day'],
    ] as const) {
      const current = floorTo(now, bucket);
      periods.push([type, new Date(current.getTime() - size), current], [type, current, new Date(current.getTime() + size)]);
    }
    let upserted = 0;
    for (const [type, start, end] of periods) {
      const result = await this.dataSources[METRICS_DB].query(
        `WITH w AS (
           SELECT sum(request_count) AS total,
                  sum((metric_metadata #>> '{status,2xx}')::bigint) AS ok,
                  sum((metric_metadata #>> '{status,4xx}')::bigint) AS c4, sum((metric_metadata #>> '{status,5xx}')::bigint) AS c5,
                  sum(avg_duration_ms * request_count) / nullif(sum(request_count), 0) AS avg_ms,
                  sum(p95_duration_ms * request_count) / nullif(sum(request_count), 0) AS p95_ms,
                  max((metric_metadata ->> 'peak_rps')::float8) AS peak
             FROM performance_metrics
            WHERE operation_type = '${ALL_REQUESTS}' AND metric_metadata ->> 'host' = $4 AND "timestamp" > $1 AND "timestamp" <= $2
         ), s AS (
           SELECT avg((metrics_json ->> 'cpu_percent')::float8) AS avg_cpu, max((metrics_json ->> 'cpu_percent')::float8) AS peak_cpu,
                  avg((metrics_json ->> 'memory_percent')::float8) AS avg_mem, max((metrics_json ->> 'memory_percent')::float8) AS peak_mem
             FROM performance_snapshots WHERE host = $4 AND "timestamp" > $1 AND "timestamp" <= $2
         )
         INSERT INTO performance_aggregates (id, period_start, period_end, period_type, host, requests_total, requests_2xx, requests_4xx,
                requests_5xx, avg_response_time_ms, p95_response_time_ms, peak_requests_per_second,
                avg_cpu_percent, peak_cpu_percent, avg_memory_percent, peak_memory_percent)
         SELECT gen_random_uuid(), $1, $2, $3, $4, coalesce(w.total, 0), coalesce(w.ok, 0), coalesce(w.c4, 0), coalesce(w.c5, 0),
                w.avg_ms, w.p95_ms, w.peak, s.avg_cpu, s.peak_cpu, s.avg_mem, s.peak_mem
           FROM w, s WHERE w.total IS NOT NULL OR s.avg_cpu IS NOT NULL
         ON CONFLICT (period_type, period_start, host) DO UPDATE SET
           period_end = EXCLUDED.period_end, requests_total = EXCLUDED.requests_total, requests_2xx = EXCLUDED.requests_2xx,
           requests_4xx = EXCLUDED.requests_4xx, requests_5xx = EXCLUDED.requests_5xx, avg_response_time_ms = EXCLUDED.avg_response_time_ms,
           p95_response_time_ms = EXCLUDED.p95_response_time_ms, peak_requests_per_second = EXCLUDED.peak_requests_per_second,
           avg_cpu_percent = EXCLUDED.avg_cpu_percent, peak_cpu_percent = EXCLUDED.peak_cpu_percent,
           avg_memory_percent = EXCLUDED.avg_memory_percent, peak_memory_percent = EXCLUDED.peak_memory_percent, updated_at = now()
         RETURNING 1`,
        [start, end, type, this.host],
      );
      upserted += (result as unknown[]).length;
    }
    return upserted;
  }
}
