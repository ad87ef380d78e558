import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { EmailUser } from './email-user.entity';
import { Role } from './role.entity';

/** `user_roles`: Assignment of a role to a user in a scope (global, team or personal). */
@Entity('user_roles')
@Index('ix_user_roles_user_email', ['userEmail'])
@Index('ix_user_roles_role_id', ['roleId'])
@Index('ix_user_roles_scope_scope_id', ['scope', 'scopeId'])
export class UserRole {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_user_roles' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  userEmail: string;

  @Column({ type: 'varchar', length: 36 })
  roleId: string;

  @Column({ type: 'varchar', length: 20 })
  scope: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  scopeId: string | null;

  @Column({ type: 'varchar', length: 255 })
  grantedBy: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  grantedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @ManyToOne(() => EmailUser, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_email', referencedColumnName: 'email', foreignKeyConstraintName: 'fk_user_roles_user_email' })
  user?: Relation<EmailUser>;

  @ManyToOne(() => Role, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'role_id', foreignKeyConstraintName: 'fk_user_roles_role_id' })
  role?: Relation<Role>;
}
