import { Check, Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryColumn } from 'typeorm';
import type { ObservabilitySpan } from './observability-span.entity';

/** One trace (a request through the gateway). */
@Entity('observability_traces')
@Index('ix_observability_traces_start_time', ['startTime'])
@Index('ix_observability_traces_user_email_start_time', ['userEmail', 'startTime'])
@Index('ix_observability_traces_status_start_time', ['status', 'startTime'])
@Check('ck_observability_traces_status', `"status" IN ('unset', 'ok', 'error')`)
export class ObservabilityTrace {
  /** W3C trace id (32 hex characters) or a UUID. */
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_observability_traces' })
  traceId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

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

  @Column({ type: 'varchar', length: 10, nullable: true })
  httpMethod: string | null;

  @Column({ type: 'text', nullable: true })
  httpUrl: string | null;

  @Column({ type: 'integer', nullable: true })
  httpStatusCode: number | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userEmail: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ipAddress: string | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  resourceAttributes: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @OneToMany('ObservabilitySpan', (span: ObservabilitySpan) => span.trace)
  spans?: ObservabilitySpan[];
}
