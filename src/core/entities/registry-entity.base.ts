import { Column, CreateDateColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/** Who may see a registry entity. */
export type Visibility = 'private' | 'team' | 'public';

/**
 * Columns shared by the nine registry entity tables (tools, servers, resources, prompts,
 * gateways, a2a_agents, grpc_services, llm_providers, llm_models). The id and the
 * `ix_<table>_team_id` index are declared by each entity, so that constraint names are per table.
 */
export abstract class RegistryEntity {
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  tags: string[];

  /** Optimistic concurrency: incremented by TypeORM on every save. */
  @VersionColumn({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  teamId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  ownerEmail: string | null;

  @Column({ type: 'varchar', length: 20, default: 'public' })
  visibility: Visibility;

  @Column({ type: 'varchar', length: 255, nullable: true })
  createdBy: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  modifiedBy: string | null;
}
