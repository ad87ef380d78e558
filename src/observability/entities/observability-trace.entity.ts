import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The summary of one trace, kept by the trigger `tr_observability_spans_summary` as spans
 * arrive (see migrations/observability/1795500000000-…): start and end over every span seen,
 * counts, services, GenAI token totals, and the root span's name, service, status and HTTP
 * fields once the root has arrived. Partitioned by range on `start_time`.
 */
@Entity('observability_traces')
@Index('ix_observability_traces_start_time', ['startTime'])
// GIN over the services array: TypeORM cannot declare the access method.
@Index('ix_observability_traces_services', { synchronize: false })
@Check('ck_observability_traces_status', `"status" IN ('unset', 'ok', 'error')`)
export class ObservabilityTrace {
  /** W3C trace id: 32 lowercase hex characters. */
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_observability_traces' })
  traceId: string;

  /** The earliest start of the spans seen; the partition key. */
  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_observability_traces' })
  startTime: Date;

  /** The root span's name; null until the root arrives. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  endTime: Date | null;

  @Column({ type: 'double precision', nullable: true })
  durationMs: number | null;

  /** error when any span failed; otherwise the root's status (unset until it arrives). */
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

  /** The root span's attributes. */
  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  resourceAttributes: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  rootSpanId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  rootService: string | null;

  @Column({ type: 'integer', default: 0 })
  spanCount: number;

  @Column({ type: 'integer', default: 0 })
  errorCount: number;

  /** Every service.name among the trace's spans, sorted. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  services: string[];

  /** Every gen_ai.request.model among the trace's spans, sorted. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  models: string[];

  @Column({ type: 'bigint', default: 0 })
  inputTokens: string;

  @Column({ type: 'bigint', default: 0 })
  outputTokens: string;

  @Column({ type: 'bigint', default: 0 })
  totalTokens: string;


  /** The root's templated operation name. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  operation: string | null;

  /** The root's parent is remote (the top local span was taken as root). */
  @Column({ type: 'boolean', nullable: true })
  rootRemote: boolean | null;

  @CreateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
