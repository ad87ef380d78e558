import { Column, Entity, Index, Unique, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { RegistryEntity } from './registry-entity.base';
import { Gateway } from './gateway.entity';

/** `prompts`: An MCP prompt template, local or imported from a federated gateway. */
@Entity('prompts')
@Unique('uq_prompts_team_owner_name', ['teamId', 'ownerEmail', 'name'])
@Index('ix_prompts_team_id', ['teamId'])
@Index('ix_prompts_gateway_id', ['gatewayId'])
export class Prompt extends RegistryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_prompts' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  originalName: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', nullable: true })
  template: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  argumentSchema: Record<string, unknown>;

  @Column({ type: 'varchar', length: 36, nullable: true })
  gatewayId: string | null;

  @ManyToOne(() => Gateway, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'gateway_id', foreignKeyConstraintName: 'fk_prompts_gateway_id' })
  gateway?: Relation<Gateway> | null;
}
