import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { RegistryEntity } from './registry-entity.base';

/** `a2a_agents`: An Agent-to-Agent (A2A) agent reachable through the gateway. */
@Entity('a2a_agents')
@Unique('uq_a2a_agents_team_owner_slug', ['teamId', 'ownerEmail', 'slug'])
@Index('ix_a2a_agents_team_id', ['teamId'])
export class A2aAgent extends RegistryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_a2a_agents' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  slug: string;

  @Column({ type: 'varchar', length: 767 })
  endpointUrl: string;

  @Column({ type: 'varchar', length: 50, default: 'generic' })
  agentType: string;

  @Column({ type: 'varchar', length: 20, default: '1.0' })
  protocolVersion: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  capabilities: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  config: Record<string, unknown>;

  @Column({ type: 'varchar', length: 20, nullable: true })
  authType: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastInteraction: Date | null;
}
