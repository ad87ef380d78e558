import { Column, Entity, Index, Unique, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { RegistryEntity } from './registry-entity.base';
import { Gateway } from './gateway.entity';

/** `resources`: An MCP resource, local or imported from a federated gateway. */
@Entity('resources')
@Unique('uq_resources_team_owner_name', ['teamId', 'ownerEmail', 'name'])
@Index('ix_resources_team_id', ['teamId'])
@Index('ix_resources_gateway_id', ['gatewayId'])
@Index('ix_resources_uri', ['uri'])
export class Resource extends RegistryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_resources' })
  id: string;

  @Column({ type: 'varchar', length: 767 })
  uri: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  mimeType: string | null;

  @Column({ type: 'integer', nullable: true })
  size: number | null;

  @Column({ type: 'text', nullable: true })
  uriTemplate: string | null;

  @Column({ type: 'text', nullable: true })
  textContent: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  gatewayId: string | null;

  @ManyToOne(() => Gateway, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'gateway_id', foreignKeyConstraintName: 'fk_resources_gateway_id' })
  gateway?: Relation<Gateway> | null;
}
