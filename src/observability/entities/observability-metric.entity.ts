import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One OTLP data point (POST /v1/metrics; layout and reasons: migration 1796060000000 and
 * docs/telemetry.md), optionally tied to a trace by its first exemplar (`trace_id`, a plain
 * value: a foreign key into the partitioned traces table would need the trace's start time).
 * Partitioned by range on `timestamp`.
 */
@Entity('observability_metrics')
@Index('ix_observability_metrics_name_timestamp', ['name', 'timestamp'])
@Index('ix_observability_metrics_trace_id', ['traceId'])
@Index('ix_observability_metrics_series_id_timestamp', ['seriesId', 'timestamp'])
@Check(
  'ck_observability_metrics_metric_type',
  `"metric_type" IN ('counter', 'gauge', 'sum', 'histogram', 'exponential_histogram', 'summary')`,
)
@Check('ck_observability_metrics_temporality', `"temporality" IN ('delta', 'cumulative')`)
export class ObservabilityMetric {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_observability_metrics' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_observability_metrics' })
  timestamp: Date;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** gauge | sum | histogram | exponential_histogram | summary (counter: rows of the seed schema) */
  @Column({ type: 'varchar', length: 20 })
  metricType: string;

  /** A gauge's or sum's value; null for distributions (count, sum, min, max, distribution). */
  @Column({ type: 'double precision', nullable: true })
  value: number | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  unit: string | null;

  /** The data point's attributes. */
  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  resourceType: string | null;

  /** Soft reference to a core entity (no FK). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  resourceId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  traceId: string | null;

  /** Hash of name, type, unit, resource, scope and point attributes: one value per series. */
  @Column({ type: 'uuid', nullable: true })
  seriesId: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** start_time_unix_nano: where a cumulative series (re)started. */
  @Column({ type: 'timestamptz', nullable: true })
  startTimestamp: Date | null;

  /** delta | cumulative (sums and histograms) */
  @Column({ type: 'varchar', length: 12, nullable: true })
  temporality: string | null;

  @Column({ type: 'boolean', nullable: true })
  isMonotonic: boolean | null;

  @Column({ type: 'bigint', nullable: true })
  count: string | null;

  @Column({ type: 'double precision', nullable: true })
  sum: number | null;

  @Column({ type: 'double precision', nullable: true })
  min: number | null;

  @Column({ type: 'double precision', nullable: true })
  max: number | null;

  /** The buckets: `{ bounds, counts }`, `{ scale, zero_count, zero_threshold, positive, negative }` or `{ quantiles }`. */
  @Column({ type: 'jsonb', nullable: true })
  distribution: Record<string, unknown> | null;

  /** `[{ time, value, trace_id, span_id, attributes }]` */
  @Column({ type: 'jsonb', nullable: true })
  exemplars: unknown[] | null;

  @Column({ type: 'integer', nullable: true })
  flags: number | null;

  /** The resource's service.name. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  service: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  scopeName: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  scopeVersion: string | null;

  @Column({ type: 'jsonb', nullable: true })
  resourceAttributes: Record<string, unknown> | null;
}
