import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { EmailTeam } from './email-team.entity';
import { EmailUser } from './email-user.entity';

/** `email_team_members`: Membership of a user in a team. */
@Entity('email_team_members')
@Unique('uq_email_team_members_team_user', ['teamId', 'userEmail'])
@Index('ix_email_team_members_user_email', ['userEmail'])
export class EmailTeamMember {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_email_team_members' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  @Column({ type: 'varchar', length: 255 })
  userEmail: string;

  @Column({ type: 'varchar', length: 50, default: 'member' })
  role: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  joinedAt: Date;

  @Column({ type: 'varchar', length: 255, nullable: true })
  invitedBy: string | null;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @ManyToOne(() => EmailTeam, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'fk_email_team_members_team_id' })
  team?: Relation<EmailTeam>;

  @ManyToOne(() => EmailUser, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_email', referencedColumnName: 'email', foreignKeyConstraintName: 'fk_email_team_members_user_email' })
  user?: Relation<EmailUser>;
}
