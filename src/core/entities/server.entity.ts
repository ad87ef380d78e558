import { Column, Entity, Index, Unique, PrimaryColumn } from 'typeorm';
import { RegistryEntity } from './registry-entity.base';

/** `servers`: A virtual server: a named bundle of tools, resources, prompts and A2A agents. */
@Entity('servers')
@Unique('uq_servers_team_owner_name', ['teamId', 'ownerEmail', 'name'])
@Index('ix_servers_team_id', ['teamId'])
export class Server extends RegistryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_servers' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 767, nullable: true })
  icon: string | null;

  @Column({ type: 'boolean', default: false })
  oauthEnabled: boolean;

  @Column({ type: 'jsonb', nullable: true })
  oauthConfig: Record<string, unknown> | null;
}
