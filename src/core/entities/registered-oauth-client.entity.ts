import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { Gateway } from './gateway.entity';

/** `registered_oauth_clients`: An OAuth client dynamically registered (RFC 7591) with the authorization server of a gateway. */
@Entity('registered_oauth_clients')
@Unique('uq_registered_oauth_clients_gateway_issuer', ['gatewayId', 'issuer'])
export class RegisteredOauthClient {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_registered_oauth_clients' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  gatewayId: string;

  @Column({ type: 'varchar', length: 767 })
  issuer: string;

  @Column({ type: 'varchar', length: 255 })
  clientId: string;

  @Column({ type: 'text', nullable: true })
  clientSecretEncrypted: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  redirectUris: string[];

  /** The rest of the registration response (RFC 7591): grant types, token endpoint auth method… */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Gateway, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'gateway_id', foreignKeyConstraintName: 'fk_registered_oauth_clients_gateway_id' })
  gateway?: Relation<Gateway>;
}
