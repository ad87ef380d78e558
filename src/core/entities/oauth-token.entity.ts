import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { EmailUser } from './email-user.entity';
import { Gateway } from './gateway.entity';

/** `oauth_tokens`: OAuth tokens obtained from a gateway on behalf of a user (stored encrypted). */
@Entity('oauth_tokens')
@Unique('uq_oauth_tokens_gateway_user', ['gatewayId', 'userId'])
@Index('ix_oauth_tokens_user_id', ['userId'])
@Index('ix_oauth_tokens_expires_at', ['expiresAt'])
export class OauthToken {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_oauth_tokens' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  gatewayId: string;

  @Column({ type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'text' })
  accessToken: string;

  @Column({ type: 'text', nullable: true })
  refreshToken: string | null;

  @Column({ type: 'varchar', length: 50, default: 'Bearer' })
  tokenType: string;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  scopes: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Gateway, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'gateway_id', foreignKeyConstraintName: 'fk_oauth_tokens_gateway_id' })
  gateway?: Relation<Gateway>;

  @ManyToOne(() => EmailUser, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'email', foreignKeyConstraintName: 'fk_oauth_tokens_user_id' })
  user?: Relation<EmailUser>;
}
