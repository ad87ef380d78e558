import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** `sso_providers`: An SSO identity provider (OIDC / OAuth2). The client secret is stored encrypted. */
@Entity('sso_providers')
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

  @Column({ type: 'varchar', length: 767 })
  authorizationUrl: string;

  @Column({ type: 'varchar', length: 767 })
  tokenUrl: string;

  @Column({ type: 'varchar', length: 767 })
  userinfoUrl: string;

  @Column({ type: 'varchar', length: 767, nullable: true })
  issuer: string | null;

  @Column({ type: 'varchar', length: 255, default: 'openid profile email' })
  scope: string;

  @Column({ type: 'boolean', default: true })
  isEnabled: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
