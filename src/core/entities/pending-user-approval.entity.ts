import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** `pending_user_approvals`: An SSO sign-up waiting for an administrator approval. */
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
}
