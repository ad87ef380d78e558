import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { SsoProvider } from './sso-provider.entity';

/** `sso_auth_sessions`: An in-flight SSO authorization (state, PKCE verifier, nonce). */
@Entity('sso_auth_sessions')
@Unique('uq_sso_auth_sessions_state', ['state'])
@Index('ix_sso_auth_sessions_provider_id', ['providerId'])
@Index('ix_sso_auth_sessions_expires_at', ['expiresAt'])
export class SsoAuthSession {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_sso_auth_sessions' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  providerId: string;

  @Column({ type: 'varchar', length: 255 })
  state: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  codeVerifier: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  nonce: string | null;

  @Column({ type: 'varchar', length: 767 })
  redirectUri: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userEmail: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => SsoProvider, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'fk_sso_auth_sessions_provider_id' })
  provider?: Relation<SsoProvider>;
}
