import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn } from 'typeorm';
import type { ObservabilityEvent } from './observability-event.entity';
import { ObservabilityTrace } from './observability-trace.entity';

/** One span of a trace; `parent_span_id` makes the tree. */
@Entity('observability_spans')
@Index('ix_observability_spans_trace_id', ['traceId'])
@Index('ix_observability_spans_parent_span_id', ['parentSpanId'])
@Index('ix_observability_spans_start_time', ['startTime'])
@Index('ix_observability_spans_resource_type_resource_id', ['resourceType', 'resourceId'])
@Check('ck_observability_spans_status', `"status" IN ('unset', 'ok', 'error')`)
export class ObservabilitySpan {
  /** W3C span id (16 hex characters) or a UUID. */
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_observability_spans' })
  spanId: string;

  @Column({ type: 'varchar', length: 36 })
  traceId: string;

  @ManyToOne(() => ObservabilityTrace, (trace) => trace.spans, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'trace_id', foreignKeyConstraintName: 'fk_observability_spans_trace' })
  trace?: ObservabilityTrace;

  @Column({ type: 'varchar', length: 36, nullable: true })
  parentSpanId: string | null;

  @ManyToOne(() => ObservabilitySpan, (span) => span.children, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_span_id', foreignKeyConstraintName: 'fk_observability_spans_parent' })
  parent?: ObservabilitySpan | null;

  @OneToMany(() => ObservabilitySpan, (span) => span.parent)
  children?: ObservabilitySpan[];

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** internal | server | client | producer | consumer */
  @Column({ type: 'varchar', length: 20, default: 'internal' })
  kind: string;

  @Column({ type: 'timestamptz' })
  startTime: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endTime: Date | null;

  @Column({ type: 'double precision', nullable: true })
  durationMs: number | null;

  /** unset | ok | error */
  @Column({ type: 'varchar', length: 20, default: 'unset' })
  status: string;

  @Column({ type: 'text', nullable: true })
  statusMessage: string | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  resourceName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  resourceType: string | null;

  /** Soft reference to a core entity (no FK). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  resourceId: string | null;

  @CreateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @OneToMany('ObservabilityEvent', (event: ObservabilityEvent) => event.span)
  events?: ObservabilityEvent[];
}
