import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { RegistryEntity } from './registry-entity.base';

/** `gateways`: A federated MCP gateway / server whose tools, resources and prompts are imported. */
@Entity('gateways')
@Unique('uq_gateways_team_owner_slug', ['teamId', 'ownerEmail', 'slug'])
@Index('ix_gateways_team_id', ['teamId'])
export class Gateway extends RegistryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_gateways' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  slug: string;

  @Column({ type: 'varchar', length: 767 })
  url: string;

  @Column({ type: 'varchar', length: 20, default: 'SSE' })
  transport: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  capabilities: Record<string, unknown>;

  @Column({ type: 'varchar', length: 20, default: 'unknown' })
  status: string;

  @Column({ type: 'boolean', default: true })
  reachable: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastSeen: Date | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  authType: string | null;

  @Column({ type: 'jsonb', nullable: true })
  authValue: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  passthroughHeaders: string[] | null;

  @Column({ type: 'integer', nullable: true })
  refreshIntervalSeconds: number | null;
}
