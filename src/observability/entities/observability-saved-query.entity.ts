import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A user's saved trace search. `filter_config` describes a filter; it is never SQL. */
@Entity('observability_saved_queries')
@Index('ix_observability_saved_queries_user_email', ['userEmail'])
// Partial index (WHERE is_shared): TypeORM cannot declare the predicate.
@Index('ix_observability_saved_queries_is_shared', { synchronize: false })
export class ObservabilitySavedQuery {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_observability_saved_queries' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 255 })
  userEmail: string;

  @Column({ type: 'jsonb' })
  filterConfig: Record<string, unknown>;

  @Column({ type: 'boolean', default: false })
  isShared: boolean;

  @CreateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  useCount: number;
}
