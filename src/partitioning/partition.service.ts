import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectSettings, PartitionSettings } from '../config/settings';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectRoleDataSources, RoleDataSources } from '../database/role-data-sources';
import { InjectRoleRegistry, PartitionedTable, partitionedTablesOf, RoleRegistry } from '../database/role-definition';
import { Role } from '../database/roles';
import { Clock, PARTITION_CLOCK } from './clock';
import { MaintenanceRun, PartitionMaintainer, TableOutcome } from './partition-maintainer';
import { saveOutcomes } from './outcome-store';

export const PARTITION_MAINTENANCE_JOB = 'partition-maintenance';
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
  private readonly last = new Map<string, TableOutcome>();
  private lastRun: MaintenanceRun | undefined;
  /** Runs are serialized in this process. */
  private queue: Promise<unknown> = Promise.resolve();
  private catchUp: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @InjectRoleDataSources() private readonly dataSources: RoleDataSources,
    @InjectRoleRegistry() registry: RoleRegistry,
    @Inject(PARTITION_CLOCK) clock: Clock,
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

  /** The last outcome of each table, this process's view. */
  lastOutcome(table: string): TableOutcome | undefined {
    return this.last.get(table);
  }

  lastMaintenanceRun(): MaintenanceRun | undefined {
    return this.lastRun;
  }

  private record(run: MaintenanceRun): MaintenanceRun {
    this.lastRun = run;
    for (const outcome of run.tables) this.last.set(outcome.table, outcome);
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
