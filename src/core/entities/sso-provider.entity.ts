import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, UpdateDateColumn, type Relation } from 'typeorm';
import { EmailTeam } from './email-team.entity';

/** `sso_providers`: An SSO identity provider (OIDC / OAuth2). The client secret is stored encrypted. */
@Entity('sso_providers')
@Unique('uq_sso_providers_slug', ['slug'])
export class SsoProvider {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_sso_providers' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  displayName: string;

  @Column({ type: 'varchar', length: 50 })
  providerType: string;

  @Column({ type: 'varchar', length: 255 })
  clientId: string;

  @Column({ type: 'text' })
  clientSecretEncrypted: string;

  @Column({ type: 'varchar', length: 767, nullable: true })
  authorizationUrl: string | null;

  @Column({ type: 'varchar', length: 767, nullable: true })
  tokenUrl: string | null;

  @Column({ type: 'varchar', length: 767, nullable: true })
  userinfoUrl: string | null;

  @Column({ type: 'varchar', length: 767, nullable: true })
  issuer: string | null;

  @Column({ type: 'varchar', length: 255, default: 'openid profile email' })
  scope: string;

  @Column({ type: 'boolean', default: true })
  isEnabled: boolean;

  /** In the login URLs: /auth/sso/{slug}/login. */
  @Column({ type: 'varchar', length: 100 })
  slug: string;

  /** The callback registered at the provider (…/auth/sso/{slug}/callback on this service's public address). */
  @Column({ type: 'varchar', length: 767, nullable: true })
  redirectUri: string | null;

  /** Email domains that may log in; empty: any. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  allowedDomains: string[];

  @Column({ type: 'varchar', length: 50, default: 'viewer' })
  defaultRole: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  defaultTeamId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => EmailTeam, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'default_team_id', foreignKeyConstraintName: 'fk_sso_providers_default_team_id' })
  defaultTeam?: Relation<EmailTeam>;
}
