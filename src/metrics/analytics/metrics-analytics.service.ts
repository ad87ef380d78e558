import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { METRICS_DB } from '../../database/roles';
import { MetricTable } from '../metric-tables';
import { overall } from '../query/combine';
import { MetricsQueryService } from '../query/metrics-query.service';
import { Bucket } from '../time-range';
import { chainSequencesSql, chainTransitionsSql, ChainGroup, topErrorsSql } from './analytics-sql';
import { heatmapRow } from './heatmap';

/** Calls of a chain beyond this are not part of its sequence (a trace of a thousand calls is one long tail). */
export const MAX_CHAIN_LENGTH = 12;

const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

/**
 * What the gateway's admin pages show per entity, from the metrics database only: numbers
 * and percentiles from the rollups and their sketches (MetricsQueryService plans which rows
 * answer), the error breakdown from the failed raw rows, chains from the derived tool rows.
 */
@Injectable()
export class MetricsAnalyticsService {
  constructor(
    @InjectDataSource(METRICS_DB) private readonly metrics: DataSource,
    private readonly queries: MetricsQueryService,
  ) {}

  /** Calls, error rate, p50/p90/p95/p99 over [from, to), and the `errors` most frequent errors by type and message. */
  async stats(t: MetricTable, id: string, from: Date, to: Date, errors: number, now = new Date()) {
    const [{ combined: c, sources }, top] = await Promise.all([
      this.queries.window(t, id, from, to, now),
      this.metrics.query(topErrorsSql(t), [id, from, to, errors]) as Promise<Array<Record<string, unknown>>>,
    ]);
    return {
      entity_type: t.entityType,
      entity_id: id,
      from: from.toISOString(),
      to: to.toISOString(),
      calls: c.count,
      failures: c.failures,
      error_rate: c.failure_rate,
      p50: c.percentiles[0],
      p90: c.percentiles[1],
      p95: c.percentiles[2],
      p99: c.percentiles[3],
      source: c.source,
      exact: c.exact,
      error_bound: c.error_bound,
      sources,
      /** From the raw rows (kept METRICS_RETENTION_DAYS): error messages are not rolled up. */
      top_errors: top.map((r) => ({
        error_type: r.error_type ?? null,
        error_message: r.error_message ?? null,
        count: Number(r.count),
        last_at: iso(r.last_at),
      })),
    };
  }

  /** Time buckets × latency buckets: the calls of each cell, from the sketches of the rows that answer each bucket. */
  async heatmap(t: MetricTable, id: string, from: Date, to: Date, bucket: Bucket, bounds: readonly number[], now = new Date()) {
    const { buckets, sources } = await this.queries.bucketParts(t, id, from, to, bucket, { sketch: true }, now);
    const points = [...buckets]
      .sort((a, b) => a[0] - b[0])
      .map(([start, parts]) => ({ bucket_start: new Date(start).toISOString(), ...heatmapRow(parts, bounds) }))
      .filter((p) => p.count > 0);
    const sourcesOf = [...buckets.values()].flat().map((p) => ({ source: p.kind, exact: true, count: p.count }));
    return {
      entity_type: t.entityType,
      entity_id: id,
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      /** Upper bounds (seconds, inclusive) of the latency cells; the last cell is above the last bound. */
      latency_bounds: bounds,
      source: overall(sourcesOf).source,
      /** A call sits in its right cell unless its time is within this relative distance of a bound. */
      error_bound: 0.01,
      total: points.reduce((n, p) => n + p.count, 0),
      sources,
      points,
    };
  }

  /** The most common tool sequences within a trace or MCP session, and which tool follows which; `visible` null: all tools. */
  async chains(by: ChainGroup, from: Date, to: Date, limit: number, visible: string[] | null) {
    const [sequences, transitions] = await Promise.all([
      this.metrics.query(chainSequencesSql(by), [from, to, limit, visible, MAX_CHAIN_LENGTH]) as Promise<Array<Record<string, unknown>>>,
      this.metrics.query(chainTransitionsSql(by), [from, to, limit, visible]) as Promise<Array<Record<string, unknown>>>,
    ]);
    return {
      by,
      from: from.toISOString(),
      to: to.toISOString(),
      max_length: MAX_CHAIN_LENGTH,
      sequences: sequences.map((r) => ({ tool_ids: r.ids, tool_names: r.names, count: Number(r.count) })),
      transitions: transitions.map((r) => ({
        from: { id: r.from_id, name: r.from_name },
        to: { id: r.to_id, name: r.to_name },
        count: Number(r.count),
      })),
    };
  }
}
