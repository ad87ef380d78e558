import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `global_config`: Gateway-wide settings (a single row in practice). */
@Entity('global_config')
export class GlobalConfig {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_global_config' })
  id: string;

  @Column({ type: 'jsonb', nullable: true })
  passthroughHeaders: string[] | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings: Record<string, unknown>;
}
