import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One change to data: who, when, what, before and after. Partitioned by range on `timestamp`. */
@Entity('audit_trails')
@Index('ix_audit_trails_resource_type_resource_id_timestamp', ['resourceType', 'resourceId', 'timestamp'])
@Index('ix_audit_trails_user_email_timestamp', ['userEmail', 'timestamp'])
@Index('ix_audit_trails_request_id', ['requestId'])
@Index('ix_audit_trails_action_timestamp', ['action', 'timestamp'])
export class AuditTrail {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_audit_trails' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_audit_trails' })
  timestamp: Date;

  @Column({ type: 'varchar', length: 255, nullable: true })
  correlationId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  requestId: string | null;

  /** create | update | delete | read | login | ... */
  @Column({ type: 'varchar', length: 100 })
  action: string;

  @Column({ type: 'varchar', length: 100 })
  resourceType: string;

  /** Soft reference (no FK: the resource lives in another database). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resourceId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  resourceName: string | null;

  /** Who acted: a user id, or `system` / `anonymous`. */
  @Column({ type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userEmail: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  teamId: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  clientIp: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'text', nullable: true })
  requestPath: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  requestMethod: string | null;

  @Column({ type: 'jsonb', nullable: true })
  oldValues: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  newValues: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  changes: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  dataClassification: string | null;

  @Column({ type: 'boolean', default: false })
  requiresReview: boolean;

  @Column({ type: 'boolean', default: true })
  success: boolean;

  @Column({ type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ type: 'jsonb', nullable: true })
  context: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  authMethod: string | null;
}
