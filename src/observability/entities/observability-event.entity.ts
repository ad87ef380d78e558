import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ObservabilitySpan } from './observability-span.entity';

/** A point-in-time event inside a span (log line, exception...). */
@Entity('observability_events')
@Index('ix_observability_events_span_id', ['spanId'])
@Index('ix_observability_events_name_timestamp', ['name', 'timestamp'])
@Index('ix_observability_events_timestamp', ['timestamp'])
export class ObservabilityEvent {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_observability_events' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  spanId: string;

  @ManyToOne(() => ObservabilitySpan, (span) => span.events, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'span_id', foreignKeyConstraintName: 'fk_observability_events_span' })
  span?: ObservabilitySpan;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'timestamptz' })
  timestamp: Date;

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
