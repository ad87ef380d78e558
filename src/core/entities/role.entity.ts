import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';

/** `roles`: An RBAC role: a named set of permissions, optionally inheriting from a parent role. */
@Entity('roles')
@Unique('uq_roles_name_scope', ['name', 'scope'])
@Index('ix_roles_inherits_from', ['inheritsFrom'])
export class Role {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_roles' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 20 })
  scope: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  permissions: string[];

  @Column({ type: 'varchar', length: 36, nullable: true })
  inheritsFrom: string | null;

  @Column({ type: 'boolean', default: false })
  isSystemRole: boolean;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Role, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'inherits_from', foreignKeyConstraintName: 'fk_roles_inherits_from' })
  parentRole?: Relation<Role> | null;
}
