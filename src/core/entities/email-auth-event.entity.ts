import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `email_auth_events`: Authentication events (logins, failures, lockouts). Stays in CORE. */
@Entity('email_auth_events')
@Index('ix_email_auth_events_user_email', ['userEmail'])
@Index('ix_email_auth_events_timestamp', ['timestamp'])
export class EmailAuthEvent {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_email_auth_events' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  timestamp: Date;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userEmail: string | null;

  @Column({ type: 'varchar', length: 50 })
  eventType: string;

  @Column({ type: 'boolean' })
  success: boolean;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ipAddress: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  failureReason: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;
}
