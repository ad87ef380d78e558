import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A point-in-time event inside a span (log line, exception…). Partitioned by range on
 * `timestamp`. The id is derived from (trace, span, position in the span), so a resent span
 * does not duplicate its events; `trace_id` and `span_id` are plain values (no foreign key:
 * a span and its events are written by separate COPYs and expire by their own partitions).
 */
@Entity('observability_events')
@Index('ix_observability_events_trace_id', ['traceId'])
export class ObservabilityEvent {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_observability_events' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_observability_events' })
  timestamp: Date;

  @Column({ type: 'varchar', length: 36 })
  traceId: string;

  @Column({ type: 'varchar', length: 36 })
  spanId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  severity: string | null;

  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  exceptionType: string | null;

  @Column({ type: 'text', nullable: true })
  exceptionMessage: string | null;

  @Column({ type: 'text', nullable: true })
  exceptionStacktrace: string | null;

  @CreateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
