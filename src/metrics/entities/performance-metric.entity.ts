import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Windowed aggregate of one kind of the service's own operations (e.g. `db.query` in
 * component `metrics`). Partitioned by range on `timestamp`.
 */
@Entity('performance_metrics')
@Index('ix_performance_metrics_operation_type_timestamp', ['operationType', 'timestamp'])
@Index('ix_performance_metrics_component_timestamp', ['component', 'timestamp'])
@Index('ix_performance_metrics_timestamp', ['timestamp'])
export class PerformanceMetric {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_performance_metrics' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_performance_metrics' })
  timestamp: Date;

  @Column({ type: 'varchar', length: 100 })
  operationType: string;

  @Column({ type: 'varchar', length: 100 })
  component: string;

  @Column({ type: 'integer', default: 0 })
  requestCount: number;

  @Column({ type: 'integer', default: 0 })
  errorCount: number;

  /** errorCount / requestCount, 0..1. */
  @Column({ type: 'double precision', default: 0 })
  errorRate: number;

  @Column({ type: 'double precision', nullable: true })
  avgDurationMs: number | null;

  @Column({ type: 'double precision', nullable: true })
  minDurationMs: number | null;

  @Column({ type: 'double precision', nullable: true })
  maxDurationMs: number | null;

  @Column({ type: 'double precision', nullable: true })
  p50DurationMs: number | null;

  @Column({ type: 'double precision', nullable: true })
  p95DurationMs: number | null;

  @Column({ type: 'double precision', nullable: true })
  p99DurationMs: number | null;

  @Column({ type: 'timestamptz' })
  windowStart: Date;

  @Column({ type: 'timestamptz' })
  windowEnd: Date;

  @Column({ type: 'integer' })
  windowDurationSeconds: number;

  @Column({ type: 'jsonb', nullable: true })
  metricMetadata: Record<string, unknown> | null;
}
