import { Inject, Injectable } from '@nestjs/common';
import { HealthSettings, InjectSettings } from '../config/settings';
import { DATABASE_TOPOLOGY } from '../database/database.constants';
import { DatabaseTopology } from '../database/database-topology';
import { withDeadline } from '../database/deadline';
import { poolOf } from '../database/pool';
import { InjectRoleDataSources, RoleDataSources } from '../database/role-data-sources';
import { METRICS_DB, OBSERVABILITY_DB, ROLES } from '../database/roles';
import { InjectRoleIndicators, RoleIndicators } from '../health/health.constants';
import { readRollupLag } from '../metrics/rollup/rollup-lag';
import { readFoldLag } from '../observability/folds/fold-lag';
import { Clock, PARTITION_CLOCK } from '../partitioning/clock';
import { PartitionService } from '../partitioning/partition.service';
import { addPeriods, periodStart } from '../partitioning/partition-plan';
import { readTableStatuses } from '../partitioning/partition-status';
import { RowWriter } from '../writer/row-writer';
import { FourfoldMetrics, setCounter } from './fourfold-metrics';

const STATUSES = ['ok', 'skipped', 'failed'] as const;
const seconds = (iso: string) => new Date(iso).getTime() / 1000;

/**
 * Renders the Prometheus text exposition. At each scrape it copies in what the components
 * keep (writer counters, pools) and reads what only the databases know (probes, partitions,
 * rollups), each database read bounded by HEALTH_CHECK_TIMEOUT_MS so that a dark database
 * cannot hang the scrape. Scrapes that arrive together share one collection.
 */
@Injectable()
export class ScrapeService {
  private inFlight: Promise<string> | null = null;
  private readonly timeoutMs: number;

  constructor(
    private readonly metrics: FourfoldMetrics,
    private readonly writer: RowWriter,
    private readonly partitions: PartitionService,
    @InjectRoleIndicators() private readonly indicators: RoleIndicators,
    @InjectRoleDataSources() private readonly dataSources: RoleDataSources,
    @Inject(DATABASE_TOPOLOGY) private readonly topology: DatabaseTopology,
    @Inject(PARTITION_CLOCK) private readonly clock: Clock,
    @InjectSettings('health') settings: HealthSettings,
  ) {
    this.timeoutMs = settings.checkTimeoutMs;
  }

  get contentType(): string {
    return this.metrics.contentType;
  }

  render(): Promise<string> {
    this.inFlight ??= this.collect().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async collect(): Promise<string> {
    const started = performance.now();
    this.writerStats();
    await Promise.all([this.roles(), this.partitionState(), this.rollups(), this.folds()]);
    this.metrics.scrapeDuration.set((performance.now() - started) / 1000);
    return this.metrics.registry.metrics();
  }

  private writerStats(): void {
    const m = this.metrics;
    const stats = this.writer.stats();
    const rows = (key: 'written' | 'spooled' | 'replayed' | 'rejected') =>
      stats.tables.map((t) => ({ labels: { role: t.role, table: t.table }, value: t[key] }));
    setCounter(m.writerWritten, rows('written'));
    setCounter(m.writerSpooled, rows('spooled'));
    setCounter(m.writerReplayed, rows('replayed'));
    setCounter(m.writerRejected, rows('rejected'));
    m.writerQueued.reset();
    m.writerSpoolBytes.reset();
    for (const t of stats.tables) {
      m.writerQueued.set({ role: t.role, table: t.table }, t.queued);
      m.writerSpoolBytes.set({ role: t.role, table: t.table }, t.spool_bytes);
    }
    for (const role of ROLES) m.writerAvailable.set({ role }, stats.roles[role].available ? 1 : 0);
  }

  private async roles(): Promise<void> {
    const m = this.metrics;
    await Promise.all(
      ROLES.map(async (role) => {
        const probe = await this.indicators[role].probe();
        m.databaseUp.set({ role }, probe.up ? 1 : 0);
        if (probe.latencyMs === null) m.probeDuration.remove({ role });
        else m.probeDuration.set({ role }, probe.latencyMs / 1000);
        m.databaseFallback.set({ role }, this.topology.roles[role].own ? 0 : 1);
        const pool = poolOf(this.dataSources[role]);
        m.poolConnections.set({ role, state: 'total' }, pool?.totalCount ?? 0);
        m.poolConnections.set({ role, state: 'idle' }, pool?.idleCount ?? 0);
        m.poolWaiting.set({ role }, pool?.waitingCount ?? 0);
      }),
    );
  }

  private async partitionState(): Promise<void> {
    const m = this.metrics;
    const now = this.clock();
    const tables = await readTableStatuses({
      dataSources: this.dataSources,
      settings: this.partitions.settings,
      tables: this.partitions.tables,
      now,
      timeoutMs: this.timeoutMs,
    });
    const readable = new Map<string, boolean>();
    for (const [table, s] of Object.entries(tables)) {
      const labels = { role: s.role, table };
      const start = periodStart(now, s.period);
      m.period.set(labels, (addPeriods(start, s.period, 1).getTime() - start.getTime()) / 1000);
      readable.set(s.role, !s.error && readable.get(s.role) !== false);
      if (s.error) {
        // Unknown is not zero: leave the series out rather than report an empty horizon.
        for (const g of [m.horizon, m.partitions, m.defaultRows, m.maintenanceLastRun, m.maintenanceLastOk]) g.remove(labels);
        for (const status of STATUSES) m.maintenanceStatus.remove({ ...labels, status });
        continue;
      }
      m.horizon.set(labels, s.premade_until ? Math.max(0, (new Date(s.premade_until).getTime() - now.getTime()) / 1000) : 0);
      m.partitions.set(labels, s.partitions ?? 0);
      m.defaultRows.set(labels, s.default_rows ?? 0);
      const last = s.last_maintenance;
      for (const status of STATUSES) m.maintenanceStatus.set({ ...labels, status }, last?.status === status ? 1 : 0);
      if (last) m.maintenanceLastRun.set(labels, seconds(last.at));
      if (last?.last_ok_at) m.maintenanceLastOk.set(labels, seconds(last.last_ok_at));
    }
    for (const [role, ok] of readable) m.statusReadable.set({ role }, ok ? 1 : 0);
  }

  private async rollups(): Promise<void> {
    const m = this.metrics;
    try {
      const lags = await withDeadline(this.dataSources[METRICS_DB], this.timeoutMs, (runner) => readRollupLag(runner, this.clock()));
      for (const lag of lags) {
        m.rollupLag.set({ table: lag.table }, lag.lagSeconds);
        if (lag.newestHour) m.rollupNewestHour.set({ table: lag.table }, lag.newestHour.getTime() / 1000);
      }
    } catch {
      // The metrics database does not answer: database_up says so; lag is unknown, not zero.
      m.rollupLag.reset();
      m.rollupNewestHour.reset();
    }
  }

  private async folds(): Promise<void> {
    try {
      const lag = await withDeadline(this.dataSources[OBSERVABILITY_DB], this.timeoutMs, (runner) => readFoldLag(runner, this.clock()));
      this.metrics.traceFoldLag.set({ role: 'observability' }, lag.lagSeconds);
    } catch {
      // The observability database does not answer: database_up says so; lag is unknown, not zero.
      this.metrics.traceFoldLag.reset();
    }
  }
}
