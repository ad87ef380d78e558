import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { EmailTeam } from './email-team.entity';

/** `email_team_join_requests`: A request by a user to join a (public) team. */
@Entity('email_team_join_requests')
@Index('ix_email_team_join_requests_team_id', ['teamId'])
@Index('ix_email_team_join_requests_user_email', ['userEmail'])
// One pending request per user and team: a partial unique index of the migration, left alone by the schema builder.
@Index('uq_email_team_join_requests_pending', { synchronize: false })
export class EmailTeamJoinRequest {
  @PrimaryColumn({ type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_email_team_join_requests' })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  @Column({ type: 'varchar', length: 255 })
  userEmail: string;

  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Column({ type: 'varchar', length: 20, default: 'pending' })
  status: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  requestedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reviewedBy: string | null;

  @ManyToOne(() => EmailTeam, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'fk_email_team_join_requests_team_id' })
  team?: Relation<EmailTeam>;
}
