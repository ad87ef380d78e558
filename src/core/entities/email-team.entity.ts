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
import { EmailUser } from './email-user.entity';

/** `email_teams`: A team (personal or shared) that owns registry entities. */
@Entity('email_teams')
@Unique('uq_email_teams_slug', ['slug'])
@Index('ix_email_teams_created_by', ['createdBy'])
export class EmailTeam {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_email_teams' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  slug: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 255 })
  createdBy: string;

  @Column({ type: 'boolean', default: false })
  isPersonal: boolean;

  @Column({ type: 'varchar', length: 20, default: 'private' })
  visibility: string;

  @Column({ type: 'integer', nullable: true })
  maxMembers: number | null;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => EmailUser, { nullable: false })
  @JoinColumn({ name: 'created_by', referencedColumnName: 'email', foreignKeyConstraintName: 'fk_email_teams_created_by' })
  creator?: Relation<EmailUser>;
}
