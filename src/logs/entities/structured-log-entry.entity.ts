import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One log record: the service's own (pino) or one received over OTLP (/v1/logs, whose own fields
 * fill the columns from `observedTimestamp` on). Partitioned by range on `timestamp`.
 */
@Entity('structured_log_entries')
@Index('ix_structured_log_entries_level_timestamp', ['level', 'timestamp'])
@Index('ix_structured_log_entries_request_id', ['requestId'])
@Index('ix_structured_log_entries_component_timestamp', ['component', 'timestamp'])
@Index('ix_structured_log_entries_trace_id_timestamp', ['traceId', 'timestamp'], { where: '"trace_id" IS NOT NULL' })
export class StructuredLogEntry {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_structured_log_entries' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_structured_log_entries' })
  timestamp: Date;

  @Column({ type: 'varchar', length: 255, nullable: true })
  correlationId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  requestId: string | null;

  /** debug | info | warning | error | critical */
  @Column({ type: 'varchar', length: 20 })
  level: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  component: string | null;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  logger: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userEmail: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  clientIp: string | null;

  @Column({ type: 'text', nullable: true })
  requestPath: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  requestMethod: string | null;

  @Column({ type: 'double precision', nullable: true })
  durationMs: number | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  operationType: string | null;

  @Column({ type: 'boolean', default: false })
  isSecurityEvent: boolean;

  @Column({ type: 'varchar', length: 20, nullable: true })
  securitySeverity: string | null;

  @Column({ type: 'jsonb', nullable: true })
  context: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  errorDetails: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  hostname: string | null;

  @Column({ type: 'integer', nullable: true })
  processId: number | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  version: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  environment: string | null;

  /** W3C trace id (32 hex characters). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  traceId: string | null;

  /** W3C span id (16 hex characters). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  spanId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  observedTimestamp: Date | null;

  /** OTLP severity number (1-24), as sent; `level` is its mapping. */
  @Column({ type: 'smallint', nullable: true })
  severityNumber: number | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  severityText: string | null;

  /** The OTLP body, any AnyValue as JSON; `message` is its text. */
  @Column({ type: 'jsonb', nullable: true })
  body: unknown;

  @Column({ type: 'varchar', length: 255, nullable: true })
  eventName: string | null;

  /** The instrumentation scope's version (its name is `logger`). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  scopeVersion: string | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  resourceAttributes: Record<string, unknown> | null;

  /** W3C trace flags of the record's span context (the low byte of OTLP `flags`). */
  @Column({ type: 'smallint', nullable: true })
  traceFlags: number | null;
}
