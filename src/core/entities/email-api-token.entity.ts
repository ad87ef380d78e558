import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { EmailUser } from './email-user.entity';

/** `email_api_tokens`: An API token issued to a user. Only the hash of the token is stored, never the token. */
@Entity('email_api_tokens')
@Unique('uq_email_api_tokens_jti', ['jti'])
@Index('ix_email_api_tokens_user_email', ['userEmail'])
@Index('ix_email_api_tokens_team_id', ['teamId'])
@Index('ix_email_api_tokens_expires_at', ['expiresAt'])
export class EmailApiToken {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_email_api_tokens' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  userEmail: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  teamId: string | null;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 36 })
  jti: string;

  @Column({ type: 'varchar', length: 255 })
  tokenHash: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  serverId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsed: Date | null;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => EmailUser, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_email', referencedColumnName: 'email', foreignKeyConstraintName: 'fk_email_api_tokens_user_email' })
  user?: Relation<EmailUser>;
}
