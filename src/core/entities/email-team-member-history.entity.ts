import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { EmailTeamMember } from './email-team-member.entity';

/** `email_team_member_history`: Audit history of team membership changes. */
@Entity('email_team_member_history')
@Index('ix_email_team_member_history_team_member_id', ['teamMemberId'])
@Index('ix_email_team_member_history_team_id', ['teamId'])
export class EmailTeamMemberHistory {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_email_team_member_history' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamMemberId: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  @Column({ type: 'varchar', length: 255 })
  userEmail: string;

  @Column({ type: 'varchar', length: 50 })
  role: string;

  @Column({ type: 'varchar', length: 50 })
  action: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  actionTimestamp: Date;

  /** Who made the change (the member themselves when joining or leaving). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  performedBy: string | null;

  @ManyToOne(() => EmailTeamMember, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'team_member_id', foreignKeyConstraintName: 'fk_email_team_member_history_team_member_id' })
  teamMember?: Relation<EmailTeamMember>;
}
