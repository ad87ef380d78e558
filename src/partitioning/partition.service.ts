import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectSettings, PartitionSettings } from '../config/settings';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectRoleDataSources, RoleDataSources } from '../database/role-data-sources';
import { InjectRoleRegistry, PartitionedTable, partitionedTablesOf, RoleRegistry } from '../database/role-definition';
import { Role } from '../database/roles';
import { DAY_MS } from '../common/time';
import { Clock, PARTITION_CLOCK } from './clock';
import { isContention, MaintenanceRun, PartitionMaintainer } from './partition-maintainer';
import { covers, PartitionRange, periodStart } from './partition-plan';
import { saveOutcomes } from './outcome-store';

export const PARTITION_MAINTENANCE_JOB = 'partition-maintenance';
/** How long writes stop asking for partitions of a table after that failed (its database down). */
const ENSURE_BACKOFF_MS = 5000;
/** How often a role whose database was not connected is looked at again. */
const CATCH_UP_MS = 5000;

/**
 * Runs partition maintenance once at start (after migrations, before the service listens)
 * and then every PARTITION_MAINTENANCE_INTERVAL_SECONDS; keeps each table's last outcome
 * for /status/database. A role whose database is not connected yet is retried every few
 * seconds until it is. PARTITION_MAINTENANCE_ENABLED=false turns all of it off on a replica.
 */
@Injectable()
export class PartitionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Partitions');
  private readonly maintainer: PartitionMaintainer;
  private lastRun: MaintenanceRun | undefined;
  /** Runs are serialized in this process. */
  private queue: Promise<unknown> = Promise.resolve();
  private catchUp: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Partitions known to be attached, per table (for ensureCovered; filled on first use). */
  private readonly coverage = new Map<string, PartitionRange[]>();
  /** One ensure at a time per table in this process. */
  private readonly ensuring = new Map<string, Promise<boolean>>();
  /** After a failed ensure (database down), writes do not wait on another one for a while. */
  private readonly failedUntil = new Map<string, number>();

  constructor(
    @InjectRoleDataSources() private readonly dataSources: RoleDataSources,
    @InjectRoleRegistry() registry: RoleRegistry,
    @Inject(PARTITION_CLOCK) private readonly clock: Clock,
    @InjectSettings('partitions') readonly settings: PartitionSettings,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.maintainer = new PartitionMaintainer(dataSources, settings, clock, this.logger, partitionedTablesOf(registry));
  }

  /** The tables this service keeps. */
  get tables(): readonly PartitionedTable[] {
    return this.maintainer.tables;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.enabled) {
      this.logger.log('partition maintenance is disabled on this instance (PARTITION_MAINTENANCE_ENABLED=false)');
      return;
    }
    await this.run();
    const timer = setInterval(() => void this.scheduledRun(), this.settings.intervalSeconds * 1000);
    timer.unref();
    this.scheduler.addInterval(PARTITION_MAINTENANCE_JOB, timer);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.catchUp);
    if (this.scheduler.doesExist('interval', PARTITION_MAINTENANCE_JOB)) this.scheduler.deleteInterval(PARTITION_MAINTENANCE_JOB);
    // Let a run in progress finish before the DataSources close.
    await this.queue;
  }

  /** The scheduled job. */
  async scheduledRun(): Promise<void> {
    if (!this.stopped) await this.run();
  }

  /**
   * Runs maintenance now (after any run in progress), for every role or the given ones, and
   * records each table's outcome with the table (outcome-store.ts) for every replica to read.
   */
  run(roles?: readonly Role[]): Promise<MaintenanceRun> {
    const next = this.queue.then(async () => {
      const run = await this.maintainer.run(roles);
      await saveOutcomes(this.dataSources, this.tables, run.tables, this.settings.lockTimeoutMs, (m) => this.logger.warn(m));
      return run;
    });
    this.queue = next.catch(() => undefined);
    return next.then((run) => this.record(run));
  }

  /**
   * Whether rows of [from, to) would land in a real partition, from what this process
   * knows (no query). Ranges older than retention count as covered: they get no partition.
   */
  isCovered(table: string, from: Date, to: Date): boolean {
    const spec = this.tables.find((t) => t.table === table);
    const known = this.coverage.get(table);
    if (!spec || !known) return false;
    const { period, retentionDays } = this.settings.groups[spec.group];
    const start = Math.max(from.getTime(), periodStart(new Date(this.clock().getTime() - retentionDays * DAY_MS), period).getTime());
    return start >= to.getTime() || covers(known, new Date(start), to);
  }

  /**
   * Makes sure partitions cover [from, to) of a table before rows of it are written, so that
   * they never land in the DEFAULT partition: a backfill or an import calls it first. Cached:
   * when the range is known to be covered it costs nothing. Never throws: false when it could
   * not (database down, a lock not granted within PARTITION_LOCK_TIMEOUT_MS, rows of the range
   * already waiting in the DEFAULT partition); those rows then wait for the next maintenance run.
   */
  async ensureCovered(table: string, from: Date, to: Date): Promise<boolean> {
    if (this.isCovered(table, from, to)) return true;
    const spec = this.tables.find((t) => t.table === table);
    if (!spec || (this.failedUntil.get(table) ?? 0) > Date.now()) return false;
    const previous = this.ensuring.get(table) ?? Promise.resolve(true);
    const next = previous.then(async () => {
      if (this.isCovered(table, from, to)) return true;
      const deadline = Date.now() + this.settings.lockTimeoutMs;
      for (;;) {
        try {
          await this.maintainer.ensure(spec, from, to);
          break;
        } catch (error) {
          // Maintenance holds the table for one short step at a time: try again until the lock timeout.
          if (!isContention(error) || Date.now() >= deadline) {
            this.logger.warn(
              `${table}: partitions for [${from.toISOString()}, ${to.toISOString()}) not ensured: ${(error as Error).message}`,
            );
            this.failedUntil.set(table, Date.now() + ENSURE_BACKOFF_MS);
            return false;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      this.coverage.set(table, await this.maintainer.partitionsOf(spec).catch(() => this.coverage.get(table) ?? []));
      return this.isCovered(table, from, to);
    });
    this.ensuring.set(
      table,
      next.catch(() => false),
    );
    // A database that stops answering must not hold the write: give up waiting after the lock timeout (and a margin).
    const giveUp = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.settings.lockTimeoutMs + 1000).unref());
    return Promise.race([next.catch(() => false), giveUp]);
  }

  lastMaintenanceRun(): MaintenanceRun | undefined {
    return this.lastRun;
  }

  private record(run: MaintenanceRun): MaintenanceRun {
    this.lastRun = run;
    // What writes check before they ask for partitions (ensureCovered).
    for (const spec of this.tables.filter((t) => run.tables.some((o) => o.table === t.table && o.status === 'ok'))) {
      void this.maintainer.partitionsOf(spec).then(
        (list) => this.coverage.set(spec.table, list),
        () => undefined,
      );
    }
    const waiting = [...new Set(run.tables.filter((t) => /not connected/.test(t.error ?? '')).map((t) => t.role))];
    if (waiting.length) this.scheduleCatchUp(waiting);
    return run;
  }

  /** An optional database may connect any time after boot: maintain its tables as soon as it does. */
  private scheduleCatchUp(roles: Role[]): void {
    if (this.stopped || this.catchUp) return;
    this.catchUp = setTimeout(() => {
      this.catchUp = undefined;
      if (this.stopped) return;
      const ready = roles.filter((role) => this.maintainer.isConnected(role));
      if (ready.length) void this.run(ready);
      if (ready.length < roles.length) this.scheduleCatchUp(roles.filter((r) => !ready.includes(r)));
    }, CATCH_UP_MS);
    this.catchUp.unref();
  }
}
