import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { RegistryEntity } from './registry-entity.base';

/** `llm_providers`: An LLM provider (OpenAI, Anthropic, Ollama, ...). The API key is a secret. */
@Entity('llm_providers')
@Unique('uq_llm_providers_team_owner_slug', ['teamId', 'ownerEmail', 'slug'])
@Index('ix_llm_providers_team_id', ['teamId'])
export class LlmProvider extends RegistryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_llm_providers' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  slug: string;

  @Column({ type: 'varchar', length: 50 })
  providerType: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  apiBase: string | null;

  @Column({ type: 'text', nullable: true })
  apiKey: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  config: Record<string, unknown>;

  @Column({ type: 'varchar', length: 255, nullable: true })
  defaultModel: string | null;

  @Column({ type: 'varchar', length: 20, default: 'unknown' })
  healthStatus: string;
}
