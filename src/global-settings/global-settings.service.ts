import { BadRequestException, ConflictException, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal, RequestMeta } from '../auth/principal';
import { describeError } from '../common/pg-errors';
import { GlobalSettingsConfig, InjectSettings } from '../config/settings';
import { CORE_DB } from '../database/roles';
import { AuditService } from '../logs/audit.service';
import { GlobalSettings, parseChange, storedSettings } from './global-settings.schema';

export const SETTINGS_REFRESH_JOB = 'global-settings-refresh';
/** The one row of global_config. */
const ROW_ID = 'global';

export interface SettingsView {
  settings: GlobalSettings;
  version: number;
  updated_at: string | null;
  updated_by: string | null;
}

interface Row {
  passthrough_headers: unknown;
  settings: Record<string, unknown>;
  version: number;
  updated_at: Date | null;
  updated_by: string | null;
}

const toView = (row: Row | undefined): SettingsView => ({
  settings: storedSettings({ ...(row?.settings ?? {}), passthrough_headers: row?.passthrough_headers ?? undefined }),
  version: row?.version ?? 0,
  updated_at: row?.updated_at?.toISOString() ?? null,
  updated_by: row?.updated_by ?? null,
});

/**
 * Gateway-wide settings, held in memory by every replica. Each replica polls the row's
 * version every GLOBAL_SETTINGS_REFRESH_MS and reloads when it moved, so a change made on one
 * replica is served by all within that time. Polling, not LISTEN/NOTIFY: a LISTEN needs a
 * session of its own, which PgBouncer in transaction mode does not keep; one indexed read of
 * an integer every few seconds costs nothing. Changes use optimistic concurrency on the
 * version and are audited with old and new values before they answer.
 */
@Injectable()
export class GlobalSettingsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('GlobalSettings');
  private cached: SettingsView | null = null;

  constructor(
    @InjectDataSource(CORE_DB) private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly scheduler: SchedulerRegistry,
    @InjectSettings('globalSettings') private readonly config: GlobalSettingsConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reload();
    const timer = setInterval(() => void this.refresh(), this.config.refreshMs);
    timer.unref();
    this.scheduler.addInterval(SETTINGS_REFRESH_JOB, timer);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', SETTINGS_REFRESH_JOB)) this.scheduler.deleteInterval(SETTINGS_REFRESH_JOB);
  }

  /** The settings as this replica holds them (at most GLOBAL_SETTINGS_REFRESH_MS behind a change). */
  async current(): Promise<SettingsView> {
    return this.cached ?? (await this.reload());
  }

  async change(principal: Principal, meta: RequestMeta, body: unknown): Promise<SettingsView> {
    const parsed = parseChange(body);
    if ('errors' in parsed)
      throw new BadRequestException({ statusCode: 400, message: `invalid request: ${parsed.errors[0].reason}`, errors: parsed.errors });
    const { version, ...changes } = parsed.change;
    const before = await this.load();
    if (before.version !== version) throw stale(version, before.version);
    const next = { ...before.settings, ...changes };
    const { passthrough_headers, ...rest } = next;
    const [row] = (await this.db.query(
      `INSERT INTO global_config (id, passthrough_headers, settings, version, updated_at, updated_by)
       VALUES ($1, $2, $3, 1, now(), $5)
       ON CONFLICT (id) DO UPDATE SET passthrough_headers = EXCLUDED.passthrough_headers, settings = EXCLUDED.settings,
              version = global_config.version + 1, updated_at = now(), updated_by = EXCLUDED.updated_by
        WHERE global_config.version = $4
       RETURNING passthrough_headers, settings, version, updated_at, updated_by`,
      [ROW_ID, JSON.stringify(passthrough_headers), JSON.stringify(rest), version, principal.email],
    )) as Row[];
    if (!row) throw stale(version, (await this.load()).version);
    const after = toView(row);
    await this.audit.record(
      { principal, meta },
      {
        action: 'update',
        resourceType: 'global_config',
        resourceId: ROW_ID,
        oldValues: { ...before.settings },
        newValues: { ...after.settings },
      },
    );
    this.cached = after;
    return after;
  }

  /** The scheduled poll: reload when the stored version moved. Keeps the last value when core does not answer. */
  private async refresh(): Promise<void> {
    try {
      const [row] = (await this.db.query(`SELECT version FROM global_config WHERE id = $1`, [ROW_ID])) as Array<{ version: number }>;
      if ((row?.version ?? 0) !== this.cached?.version) await this.reload();
    } catch (error) {
      this.logger.warn(`could not refresh global settings (keeping version ${this.cached?.version}): ${describeError(error)}`);
    }
  }

  private async reload(): Promise<SettingsView> {
    this.cached = await this.load();
    return this.cached;
  }

  private async load(): Promise<SettingsView> {
    const [row] = (await this.db.query(
      `SELECT passthrough_headers, settings, version, updated_at, updated_by FROM global_config WHERE id = $1`,
      [ROW_ID],
    )) as Row[];
    return toView(row);
  }
}

function stale(given: number, current: number): ConflictException {
  return new ConflictException(`global settings are at version ${current}, not ${given}: read them again and retry`);
}
