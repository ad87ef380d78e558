import { Injectable } from '@nestjs/common';
import { InjectSettings, MetricsSettings, WriterSettings } from '../../config/settings';
import { uuidv7 } from '../../common/ids';
import { METRICS_DB } from '../../database/roles';
import { PartitionService } from '../../partitioning/partition.service';
import { RoomWait } from '../../writer/room-wait';
import { RowWriter } from '../../writer/row-writer';
import { EntityType, METRIC_TABLES, UNKNOWN_NAME } from '../metric-tables';
import { EntityNameCache } from './entity-name.cache';
import { Execution } from './execution-batch';

/**
 * Turns a validated batch into raw metric rows (id and name fixed now) and hands them to the
 * writer, once partitions cover the batch's time range (a backfill gets its partitions
 * before its rows land; for current rows the check is a cache hit).
 */
@Injectable()
export class MetricsIngestService {
  private readonly maxBatch: number;
  private readonly room: RoomWait;

  constructor(
    private readonly writer: RowWriter,
    private readonly names: EntityNameCache,
    private readonly partitions: PartitionService,
    @InjectSettings('metrics') settings: MetricsSettings,
    @InjectSettings('writer') writerSettings: WriterSettings,
  ) {
    this.maxBatch = settings.ingestMaxBatch;
    this.room = new RoomWait(writerSettings.flushMs);
  }

  /** Whether a batch of the largest size fits in every raw table's buffer now, or within a short wait. */
  waitForRoom(): Promise<boolean> {
    return this.room.until(() => Object.values(METRIC_TABLES).every((t) => this.writer.hasRoom(METRICS_DB, t.raw, this.maxBatch)));
  }

  retryAfterSeconds(): number {
    return this.writer.retryAfterSeconds(METRICS_DB);
  }

  /** Whether the raw tables' buffers have room for these executions now. */
  hasRoom(items: readonly Execution[]): boolean {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(METRIC_TABLES[item.entityType].raw, (counts.get(METRIC_TABLES[item.entityType].raw) ?? 0) + 1);
    return [...counts].every(([table, n]) => this.writer.hasRoom(METRICS_DB, table, n));
  }

  /** Buffers every execution or none (WriterFullError when a table's buffer has no room, after a short wait). */
  async ingest(items: Execution[]): Promise<number> {
    const ids = new Map<EntityType, Set<string>>();
    for (const item of items) {
      let set = ids.get(item.entityType);
      if (!set) ids.set(item.entityType, (set = new Set()));
      set.add(item.entityId);
    }
    const names = await this.names.resolve(ids);
    const rowsByTable = new Map<string, Record<string, unknown>[]>();
    const spans = new Map<string, [number, number]>();
    for (const item of items) {
      const t = METRIC_TABLES[item.entityType];
      const at = item.timestamp.getTime();
      const span = spans.get(t.raw);
      if (!span) spans.set(t.raw, [at, at]);
      else if (at < span[0]) span[0] = at;
      else if (at > span[1]) span[1] = at;
      const row: Record<string, unknown> = {
        id: item.id ?? uuidv7(),
        [t.idColumn]: item.entityId,
        // The registry's name; for an id it does not know, the name sent with the execution.
        [t.nameColumn]: names.get(item.entityType)!.get(item.entityId) ?? item.name ?? UNKNOWN_NAME,
        timestamp: item.timestamp,
        response_time: item.responseTime,
        is_success: item.isSuccess,
        error_message: item.errorMessage,
        error_type: item.errorType,
        trace_id: item.traceId ?? null,
        session_id: item.sessionId ?? null,
      };
      if (t.hasInteractionType) row.interaction_type = item.interactionType;
      let rows = rowsByTable.get(t.raw);
      if (!rows) rowsByTable.set(t.raw, (rows = []));
      rows.push(row);
    }
    for (const [table, [from, to]] of spans) {
      const range: [Date, Date] = [new Date(from), new Date(to + 1)];
      if (!this.partitions.isCovered(table, ...range)) await this.partitions.ensureCovered(table, ...range);
    }
    // Requests let through together may have counted on the same room: wait for it once more.
    await this.room.until(() => [...rowsByTable].every(([table, rows]) => this.writer.hasRoom(METRICS_DB, table, rows.length)));
    this.writer.enqueueMany(
      METRICS_DB,
      [...rowsByTable].map(([table, rows]) => ({ table, rows })),
    );
    return items.length;
  }
}
