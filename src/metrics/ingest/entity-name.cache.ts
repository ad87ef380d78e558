import { Injectable, Logger } from '@nestjs/common';
import { InjectSettings, MetricsSettings } from '../../config/settings';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CORE_DB } from '../../database/roles';
import { EntityType, METRIC_TABLES } from '../metric-tables';

interface Entry {
  /** null: core does not know the id. */
  name: string | null;
  expires: number;
}

/** Bound on remembered names; the oldest go first. */
const MAX_ENTRIES = 200_000;

/**
 * Names of entities at write time, from core, for the `{entity}_name` column. Entries
 * live METRICS_NAME_CACHE_TTL_MS, so a rename shows in rows written after that; misses of
 * one batch are looked up with one query per entity type, never per row. An id core does
 * not know has no name (null): the caller records the name it was sent, or `unknown`. When
 * core cannot be asked, a stale name is used if there is one: ingest does not depend on core
 * being up.
 */
@Injectable()
export class EntityNameCache {
  private readonly logger = new Logger('EntityNameCache');
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  /** Lookups made against core, for tests and status. */
  lookups = 0;

  constructor(
    @InjectDataSource(CORE_DB) private readonly core: DataSource,
    @InjectSettings('metrics') settings: MetricsSettings,
  ) {
    this.ttlMs = settings.nameCacheTtlMs;
  }

  /** Names of the given ids, per type: `names.get(type)!.get(id)`, null for an id core does not know. */
  async resolve(ids: Map<EntityType, Set<string>>): Promise<Map<EntityType, Map<string, string | null>>> {
    const now = Date.now();
    const result = new Map<EntityType, Map<string, string | null>>();
    await Promise.all(
      [...ids].map(async ([type, set]) => {
        const names = new Map<string, string | null>();
        const misses: string[] = [];
        for (const id of set) {
          const entry = this.entries.get(`${type}:${id}`);
          if (entry && entry.expires > now) names.set(id, entry.name);
          else misses.push(id);
        }
        if (misses.length > 0) {
          const found = await this.lookup(type, misses);
          for (const id of misses) {
            const stale = this.entries.get(`${type}:${id}`);
            const name = found ? (found.get(id) ?? null) : (stale?.name ?? null);
            names.set(id, name);
            if (found) this.remember(`${type}:${id}`, name, now);
          }
        }
        result.set(type, names);
      }),
    );
    return result;
  }

  /** Forgets one entity's name, or every name (for a rename that must show at once). */
  invalidate(type?: EntityType, id?: string): void {
    if (type && id) this.entries.delete(`${type}:${id}`);
    else this.entries.clear();
  }

  private async lookup(type: EntityType, ids: string[]): Promise<Map<string, string> | null> {
    this.lookups++;
    try {
      const rows: Array<{ id: string; name: string }> = await this.core.query(
        `SELECT id, name FROM "${METRIC_TABLES[type].coreTable}" WHERE id = ANY($1::varchar[])`,
        [ids],
      );
      return new Map(rows.map((r) => [r.id, r.name]));
    } catch (error) {
      this.logger.warn(`cannot read ${type} names from core (${(error as Error).message}); using cached or sent names`);
      return null;
    }
  }

  private remember(key: string, name: string | null, now: number): void {
    this.entries.delete(key); // re-insert at the end: Map order is the eviction order
    this.entries.set(key, { name, expires: now + this.ttlMs });
    if (this.entries.size > MAX_ENTRIES) {
      const excess = this.entries.size - MAX_ENTRIES;
      let i = 0;
      for (const k of this.entries.keys()) {
        if (i++ >= excess) break;
        this.entries.delete(k);
      }
    }
  }
}
