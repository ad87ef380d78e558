import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * `pending_user_approvals`: a new user waiting for an administrator (USER_APPROVAL_REQUIRED).
 * `status` pending | approved | rejected; `approved_by` is whoever decided, either way.
 */
@Entity('pending_user_approvals')
@Unique('uq_pending_user_approvals_email', ['email'])
@Index('ix_pending_user_approvals_expires_at', ['expiresAt'])
export class PendingUserApproval {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_pending_user_approvals' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  email: string;

  @Column({ type: 'varchar', length: 255 })
  fullName: string;

  @Column({ type: 'varchar', length: 50 })
  authProvider: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  requestedAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'varchar', length: 255, nullable: true })
  approvedBy: string | null;

  @Column({ type: 'varchar', length: 20, default: 'pending' })
  status: string;

  /** Why it was rejected (or approved), as the reviewer said. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;
}
