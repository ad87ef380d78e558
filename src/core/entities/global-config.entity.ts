import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `global_config`: Gateway-wide settings: one row (`global`), validated by src/global-settings/global-settings.schema.ts. */
@Entity('global_config')
export class GlobalConfig {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_global_config' })
  id: string;

  @Column({ type: 'jsonb', nullable: true })
  passthroughHeaders: string[] | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings: Record<string, unknown>;

  /** Raised by every change: replicas poll it to reload. */
  @Column({ type: 'integer', default: 0 })
  version: number;

  @Column({ type: 'timestamptz', nullable: true })
  updatedAt: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  updatedBy: string | null;
}
