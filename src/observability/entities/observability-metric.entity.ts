import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One metric sample, optionally tied to the trace it was measured in (`trace_id`, a plain
 * value: a foreign key into the partitioned traces table would need the trace's start time).
 * Partitioned by range on `timestamp`.
 */
@Entity('observability_metrics')
@Index('ix_observability_metrics_name_timestamp', ['name', 'timestamp'])
@Index('ix_observability_metrics_trace_id', ['traceId'])
@Check('ck_observability_metrics_metric_type', `"metric_type" IN ('counter', 'gauge', 'histogram')`)
export class ObservabilityMetric {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_observability_metrics' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_observability_metrics' })
  timestamp: Date;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** counter | gauge | histogram */
  @Column({ type: 'varchar', length: 20 })
  metricType: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'varchar', length: 50, nullable: true })
  unit: string | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  resourceType: string | null;

  /** Soft reference to a core entity (no FK). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  resourceId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  traceId: string | null;
}
