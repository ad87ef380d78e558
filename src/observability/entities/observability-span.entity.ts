import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One span. Partitioned by range on `start_time`; the primary key (trace id, span id, start)
 * makes a resent span a duplicate. `trace_id` and `parent_span_id` are plain values, not
 * foreign keys: spans arrive in any order, and a parent may arrive later, never, or already
 * have expired.
 */
@Entity('observability_spans')
@Index('ix_observability_spans_service_start_time', ['service', 'startTime'])
// GIN (jsonb_path_ops) over resource and span attributes merged, for `attr.<key>=<value>`.
@Index('ix_observability_spans_all_attributes', { synchronize: false })
// GIN (full text) over the span's name and attribute values, for `q=` (migration 1796100000001).
@Index('ix_observability_spans_text', { synchronize: false })
@Check('ck_observability_spans_status', `"status" IN ('unset', 'ok', 'error')`)
export class ObservabilitySpan {
  /** W3C trace id: 32 lowercase hex characters. */
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_observability_spans' })
  traceId: string;

  /** W3C span id: 16 lowercase hex characters. */
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_observability_spans' })
  spanId: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_observability_spans' })
  startTime: Date;

  @Column({ type: 'varchar', length: 36, nullable: true })
  parentSpanId: string | null;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** internal | server | client | producer | consumer | unspecified */
  @Column({ type: 'varchar', length: 20, default: 'internal' })
  kind: string;

  @Column({ type: 'timestamptz', nullable: true })
  endTime: Date | null;

  @Column({ type: 'double precision', nullable: true })
  durationMs: number | null;

  /** unset | ok | error */
  @Column({ type: 'varchar', length: 20, default: 'unset' })
  status: string;

  @Column({ type: 'text', nullable: true })
  statusMessage: string | null;

  /** The resource's service.name. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  service: string | null;

  /** The instrumentation scope that made the span. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  scopeName: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  scopeVersion: string | null;

  /** The scope's schema URL, else the resource's. */
  @Column({ type: 'text', nullable: true })
  schemaUrl: string | null;

  /** W3C tracestate. */
  @Column({ type: 'text', nullable: true })
  traceState: string | null;

  /** OTLP span flags (W3C trace flags; 0x100 parent remoteness known, 0x200 parent remote). */
  @Column({ type: 'bigint', nullable: true })
  flags: string | null;

  /** [{ trace_id, span_id, trace_state, flags, attributes, dropped_attributes_count }], null when none. */
  @Column({ type: 'jsonb', nullable: true })
  links: unknown[] | null;

  @Column({ type: 'integer', nullable: true })
  droppedAttributesCount: number | null;

  @Column({ type: 'integer', nullable: true })
  droppedEventsCount: number | null;

  @Column({ type: 'integer', nullable: true })
  droppedLinksCount: number | null;

  /** The templated operation name of /operations and /stats (src/observability/ingest/span-derivations.ts). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  operation: string | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  resourceAttributes: Record<string, unknown> | null;

  /** gen_ai.request.model (or gen_ai.response.model). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  model: string | null;

  /** gen_ai.usage.input_tokens. */
  @Column({ type: 'bigint', nullable: true })
  inputTokens: string | null;

  /** gen_ai.usage.output_tokens. */
  @Column({ type: 'bigint', nullable: true })
  outputTokens: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  resourceName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  resourceType: string | null;

  /** Soft reference to a core entity (no FK). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  resourceId: string | null;

  @CreateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
