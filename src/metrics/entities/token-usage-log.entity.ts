import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One authenticated API request, by token. Partitioned by range on `timestamp`. */
@Entity('token_usage_logs')
@Index('ix_token_usage_logs_token_jti_timestamp', ['tokenJti', 'timestamp'])
@Index('ix_token_usage_logs_user_email_timestamp', ['userEmail', 'timestamp'])
export class TokenUsageLog {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_token_usage_logs' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_token_usage_logs' })
  timestamp: Date;

  /** The token's `jti` claim (soft reference to the token in the core database). */
  @Column({ type: 'varchar', length: 255 })
  tokenJti: string;

  @Column({ type: 'varchar', length: 255 })
  userEmail: string;

  /** Request path; text because a path has no useful upper bound. */
  @Column({ type: 'text' })
  endpoint: string;

  @Column({ type: 'varchar', length: 10 })
  method: string;

  /** IPv4 or IPv6 (45 characters is the longest IPv6 text form). */
  @Column({ type: 'varchar', length: 45, nullable: true })
  ipAddress: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent: string | null;

  /** HTTP status; null when the request never produced one. */
  @Column({ type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'double precision', nullable: true })
  responseTimeMs: number | null;

  @Column({ type: 'boolean', default: false })
  blocked: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  blockReason: string | null;
}
