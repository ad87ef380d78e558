import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { StructuredLogEntry } from './structured-log-entry.entity';

/**
 * A detected security event. Not partitioned (low volume).
 *
 * The optional link to the log entry that raised it is a composite FK
 * `(log_entry_id, log_entry_timestamp)` -> `structured_log_entries (id, timestamp)`,
 * because a FK into a partitioned table must carry the partition key. ON DELETE SET NULL
 * clears both columns when the entry is deleted; retention drops whole partitions, which
 * does not fire that action, so partition maintenance must clear the link for the
 * partition's range first (see the logs migration).
 */
@Entity('security_events')
@Index('ix_security_events_log_entry', ['logEntryId', 'logEntryTimestamp'])
@Index('ix_security_events_timestamp', ['timestamp'])
@Index('ix_security_events_client_ip_timestamp', ['clientIp', 'timestamp'])
@Check('ck_security_events_threat_score', `"threat_score" >= 0 AND "threat_score" <= 1`)
export class SecurityEvent {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_security_events' })
  id: string;

  /** When the event happened. */
  @Column({ type: 'timestamptz' })
  timestamp: Date;

  /** When it was detected (may be later than `timestamp`). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  detectedAt: Date;

  @Column({ type: 'varchar', length: 255, nullable: true })
  correlationId: string | null;

  @Column({ type: 'uuid', nullable: true })
  logEntryId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  logEntryTimestamp: Date | null;

  @ManyToOne(() => StructuredLogEntry, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn([
    { name: 'log_entry_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_security_events_log_entry' },
    {
      name: 'log_entry_timestamp',
      referencedColumnName: 'timestamp',
      foreignKeyConstraintName: 'fk_security_events_log_entry',
    },
  ])
  logEntry?: StructuredLogEntry | null;

  @Column({ type: 'varchar', length: 100 })
  eventType: string;

  /** low | medium | high | critical */
  @Column({ type: 'varchar', length: 20 })
  severity: string;

  @Column({ type: 'varchar', length: 50 })
  category: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userEmail: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  clientIp: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  actionTaken: string | null;

  /** 0..1 */
  @Column({ type: 'double precision', default: 0 })
  threatScore: number;

  @Column({ type: 'jsonb', nullable: true })
  threatIndicators: Record<string, unknown> | null;

  @Column({ type: 'integer', default: 0 })
  failedAttemptsCount: number;

  @Column({ type: 'boolean', default: false })
  resolved: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  resolvedBy: string | null;

  @Column({ type: 'text', nullable: true })
  resolutionNotes: string | null;

  @Column({ type: 'jsonb', nullable: true })
  context: Record<string, unknown> | null;
}
