import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { Gateway } from './gateway.entity';

/** `oauth_states`: An in-flight OAuth authorization-code flow towards a gateway. */
@Entity('oauth_states')
@Unique('uq_oauth_states_state', ['state'])
@Index('ix_oauth_states_gateway_id', ['gatewayId'])
@Index('ix_oauth_states_expires_at', ['expiresAt'])
export class OauthState {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_oauth_states' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  gatewayId: string;

  @Column({ type: 'varchar', length: 500 })
  state: string;

  /** Sealed (src/common/secret-box.ts). */
  @Column({ type: 'text', nullable: true })
  codeVerifier: string | null;

  /** The user the flow runs for: the state is consumed only for this user and gateway. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  userEmail: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'boolean', default: false })
  used: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Gateway, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'gateway_id', foreignKeyConstraintName: 'fk_oauth_states_gateway_id' })
  gateway?: Relation<Gateway>;
}
