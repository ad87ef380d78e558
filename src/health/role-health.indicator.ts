import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { DatabaseTopology, databaseOf } from '../database/database-topology';
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

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Safe to show: driver messages carry host and user at most, never the password. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/not initialized|not connected/i.test(message)) return 'not connected';
  return message.replace(/postgres(ql)?:\/\/[^\s@]*@/gi, 'postgres://***@');
}

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
      await this.ping();
      return { ...base, up: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    } catch (error) {
      return { ...base, up: false, latencyMs: null, error: describeError(error) };
    }
  }

  /**
   * SELECT 1 on a pooled connection, within the timeout. On a dead network path (no answer,
   * no reset) a query would hold its connection until TCP gives up, minutes later; probes
   * every few seconds would then drain the pool. So a connection that does not answer in
   * time is cut, and one that connects too late is handed straight back.
   */
  private async ping(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const started = Date.now();
    const connecting = runner.connect() as Promise<{ connection?: { stream?: { destroy(error: Error): void } } }>;
    let client: Awaited<typeof connecting>;
    try {
      client = await withTimeout(connecting, this.timeoutMs);
    } catch (error) {
      void connecting.then(
        () => runner.release(),
        () => undefined,
      );
      throw error;
    }
    const left = Math.max(1, this.timeoutMs - (Date.now() - started));
    const cut = setTimeout(() => client.connection?.stream?.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), left);
    try {
      await withTimeout(runner.query('SELECT 1'), left + 100);
    } finally {
      clearTimeout(cut);
      await runner.release();
    }
  }

  async check(): Promise<HealthIndicatorResult> {
    const probe = await this.probe();
    const session = this.indicators.check(this.role);
    const details = { latency_ms: probe.latencyMs, database: probe.database, fallback: probe.fallback };
    return probe.up ? session.up(details) : session.down({ ...details, error: probe.error });
  }
}
