import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { RegistryEntity } from './registry-entity.base';
import { Gateway } from './gateway.entity';

/** `tools`: A tool, local (REST) or imported from a federated gateway (MCP). */
@Entity('tools')
@Unique('uq_tools_team_owner_name', ['teamId', 'ownerEmail', 'name'])
@Index('ix_tools_team_id', ['teamId'])
@Index('ix_tools_gateway_id', ['gatewayId'])
export class Tool extends RegistryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_tools' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  originalName: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 767, nullable: true })
  url: string | null;

  @Column({ type: 'varchar', length: 20, default: 'MCP' })
  integrationType: string;

  @Column({ type: 'varchar', length: 20, default: 'SSE' })
  requestType: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  inputSchema: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  outputSchema: Record<string, unknown> | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  annotations: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  headers: Record<string, string> | null;

  @Column({ type: 'boolean', default: true })
  reachable: boolean;

  @Column({ type: 'boolean', default: false })
  deprecated: boolean;

  @Column({ type: 'varchar', length: 20, nullable: true })
  authType: string | null;

  @Column({ type: 'text', nullable: true })
  authValue: string | null;

  @Column({ type: 'integer', nullable: true })
  timeoutMs: number | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  gatewayId: string | null;

  @ManyToOne(() => Gateway, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'gateway_id', foreignKeyConstraintName: 'fk_tools_gateway_id' })
  gateway?: Relation<Gateway> | null;
}
