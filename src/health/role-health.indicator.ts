import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { describeError, isNotConnected } from '../common/pg-errors';
import { DatabaseTopology, databaseOf } from '../database/database-topology';
import { withDeadline } from '../database/deadline';
import { Role } from '../database/roles';

export interface RoleProbe {
  role: Role;
  up: boolean;
  latencyMs: number | null;
  /** host:port/database of the database serving the role. */
  database: string;
  /** True when the role has no database of its own and lives in core. */
  fallback: boolean;
  error?: string;
}

/** Safe to show: no credentials; a role whose database has not connected yet says so plainly. */
const probeError = (error: unknown): string => (isNotConnected(error) ? 'not connected' : describeError(error));

/** Health of one role, through that role's own DataSource (shared with core on fallback). */
export class RoleHealthIndicator {
  constructor(
    readonly role: Role,
    private readonly dataSource: DataSource,
    private readonly topology: DatabaseTopology,
    private readonly indicators: HealthIndicatorService,
    private readonly timeoutMs: number,
  ) {}

  async probe(): Promise<RoleProbe> {
    const base = {
      role: this.role,
      database: databaseOf(this.topology, this.role).label,
      fallback: !this.topology.roles[this.role].own,
    };
    const started = performance.now();
    try {
      await withDeadline(this.dataSource, this.timeoutMs, (runner) => runner.query('SELECT 1'));
      return { ...base, up: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    } catch (error) {
      return { ...base, up: false, latencyMs: null, error: probeError(error) };
    }
  }

  async check(): Promise<HealthIndicatorResult> {
    const probe = await this.probe();
    const session = this.indicators.check(this.role);
    const details = { latency_ms: probe.latencyMs, database: probe.database, fallback: probe.fallback };
    return probe.up ? session.up(details) : session.down({ ...details, error: probe.error });
  }
}
