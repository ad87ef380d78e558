import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { EmailTeam } from './email-team.entity';

/** `email_team_invitations`: An invitation for an email address to join a team. */
@Entity('email_team_invitations')
@Unique('uq_email_team_invitations_token', ['token'])
@Index('ix_email_team_invitations_team_id', ['teamId'])
@Index('ix_email_team_invitations_email', ['email'])
@Index('ix_email_team_invitations_expires_at', ['expiresAt'])
export class EmailTeamInvitation {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_email_team_invitations' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  @Column({ type: 'varchar', length: 255 })
  email: string;

  @Column({ type: 'varchar', length: 50, default: 'member' })
  role: string;

  @Column({ type: 'varchar', length: 255 })
  invitedBy: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  invitedAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'varchar', length: 255 })
  token: string;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @ManyToOne(() => EmailTeam, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'fk_email_team_invitations_team_id' })
  team?: Relation<EmailTeam>;
}
