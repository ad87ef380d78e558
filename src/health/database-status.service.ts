import { Inject, Injectable } from '@nestjs/common';
import { HealthSettings, InjectSettings } from '../config/settings';
import { DATABASE_TOPOLOGY } from '../database/database.constants';
import { withDeadline } from '../database/deadline';
import { databaseOf, DatabaseTopology } from '../database/database-topology';
import { InjectRoleDurability, RoleDurability } from '../database/durability';
import { InjectRoleDataSources, RoleDataSources } from '../database/role-data-sources';
import { Role, ROLES } from '../database/roles';
import { Clock, PARTITION_CLOCK } from '../partitioning/clock';
import { PartitionService } from '../partitioning/partition.service';
import { readTableStatuses, runView, RunView, TableStatus } from '../partitioning/partition-status';
import { InjectRoleIndicators, RoleIndicators } from './health.constants';
import { RowWriter, WriterStats } from '../writer/row-writer';

export interface RoleStatus {
  /** Database name and host of the database serving the role (from configuration, never credentials). */
  database: string;
  host: string;
  port: number;
  /** True when the role has a database of its own; false when it falls back to core. */
  own_database: boolean;
  fallback: boolean;
  reachable: boolean;
  latency_ms: number | null;
  server_version: string | null;
  synchronous_commit: {
    /** What fourfold sets (SET LOCAL) for this role's writes. */
    writes: 'on' | 'off';
    /** The server's setting, which the role's other transactions get. */
    server_default: string | null;
  };
  error?: string;
}

export interface MaintenanceStatus {
  enabled: boolean;
  interval_seconds: number;
  premake: number;
  lock_timeout_ms: number;
  /** This process's last maintenance pass over every table; each table's own last_maintenance says who ran it last. */
  last_maintenance: { at: string; duration_ms: number; ok: boolean; tables: Record<string, RunView | null> } | null;
}

/** GET /status/database. One top-level key per subject, so that others (write buffers) slot in beside. */
export interface DatabaseStatus {
  generated_at: string;
  roles: Record<Role, RoleStatus>;
  partitions: { maintenance: MaintenanceStatus; tables: Record<string, TableStatus> };
  /** The buffered writer of this process: queued, written, spooled, replayed, rejected per role and table. */
  writers: WriterStats;
}

@Injectable()
export class DatabaseStatusService {
  private readonly timeoutMs: number;

  constructor(
    @Inject(DATABASE_TOPOLOGY) private readonly topology: DatabaseTopology,
    @Inject(PARTITION_CLOCK) private readonly clock: Clock,
    private readonly partitions: PartitionService,
    private readonly writer: RowWriter,
    @InjectRoleDataSources() private readonly dataSources: RoleDataSources,
    @InjectRoleIndicators() private readonly indicators: RoleIndicators,
    @InjectRoleDurability() private readonly durability: RoleDurability,
    @InjectSettings('health') settings: HealthSettings,
  ) {
    this.timeoutMs = settings.checkTimeoutMs;
  }

  async status(): Promise<DatabaseStatus> {
    const now = this.clock();
    const [roles, tables] = await Promise.all([
      Promise.all(ROLES.map(async (role) => [role, await this.role(role)] as const)),
      readTableStatuses({
        dataSources: this.dataSources,
        settings: this.partitions.settings,
        tables: this.partitions.tables,
        now,
        timeoutMs: this.timeoutMs,
      }),
    ]);
    const { settings } = this.partitions;
    const last = this.partitions.lastMaintenanceRun();
    return {
      generated_at: now.toISOString(),
      roles: Object.fromEntries(roles) as Record<Role, RoleStatus>,
      partitions: {
        maintenance: {
          enabled: settings.enabled,
          interval_seconds: settings.intervalSeconds,
          premake: settings.premake,
          lock_timeout_ms: settings.lockTimeoutMs,
          last_maintenance: last
            ? {
                at: last.startedAt.toISOString(),
                duration_ms: last.durationMs,
                ok: last.ok,
                tables: Object.fromEntries(last.tables.map((t) => [t.table, runView(t)])),
              }
            : null,
        },
        tables,
      },
      writers: this.writer.stats(),
    };
  }

  private async role(role: Role): Promise<RoleStatus> {
    const db = databaseOf(this.topology, role);
    const probe = await this.indicators[role].probe();
    const status: RoleStatus = {
      database: db.database,
      host: db.host,
      port: db.port,
      own_database: this.topology.roles[role].own,
      fallback: !this.topology.roles[role].own,
      reachable: probe.up,
      latency_ms: probe.latencyMs,
      server_version: null,
      synchronous_commit: { writes: this.durability[role], server_default: null },
      ...(probe.error ? { error: probe.error } : {}),
    };
    if (!probe.up) return status;
    try {
      const [row] = await withDeadline(this.dataSources[role], this.timeoutMs, (runner) =>
        runner.query(`SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync`),
      );
      status.server_version = row.version;
      status.synchronous_commit.server_default = row.sync;
    } catch {
      // The probe answered a moment ago; leave the details empty rather than fail the page.
    }
    return status;
  }
}
