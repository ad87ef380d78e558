import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One permission decision. Partitioned by range on `timestamp`. */
@Entity('permission_audit_log')
@Index('ix_permission_audit_log_user_email_timestamp', ['userEmail', 'timestamp'])
export class PermissionAuditLog {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_permission_audit_log' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_permission_audit_log' })
  timestamp: Date;

  @Column({ type: 'varchar', length: 255 })
  userEmail: string;

  @Column({ type: 'varchar', length: 100 })
  permission: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  resourceType: string | null;

  /** Soft reference (no FK). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resourceId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  teamId: string | null;

  @Column({ type: 'boolean' })
  granted: boolean;

  /** The roles that were evaluated, as an array of role names. */
  @Column({ type: 'jsonb', nullable: true })
  rolesChecked: unknown[] | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ipAddress: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent: string | null;
}
