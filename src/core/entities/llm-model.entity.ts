import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { RegistryEntity } from './registry-entity.base';
import { LlmProvider } from './llm-provider.entity';

/** `llm_models`: A model offered by an LLM provider. */
@Entity('llm_models')
@Unique('uq_llm_models_team_owner_provider_model', ['teamId', 'ownerEmail', 'providerId', 'modelId'])
@Index('ix_llm_models_team_id', ['teamId'])
export class LlmModel extends RegistryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_llm_models' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  providerId: string;

  @Column({ type: 'varchar', length: 255 })
  modelId: string;

  @Column({ type: 'varchar', length: 255 })
  modelName: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  modelAlias: string | null;

  @Column({ type: 'boolean', default: true })
  supportsChat: boolean;

  @Column({ type: 'boolean', default: true })
  supportsStreaming: boolean;

  @Column({ type: 'boolean', default: false })
  supportsFunctionCalling: boolean;

  @Column({ type: 'boolean', default: false })
  supportsVision: boolean;

  @Column({ type: 'integer', nullable: true })
  contextWindow: number | null;

  @Column({ type: 'integer', nullable: true })
  maxOutputTokens: number | null;

  @ManyToOne(() => LlmProvider, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'fk_llm_models_provider_id' })
  provider?: Relation<LlmProvider>;
}
