import { ConflictException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { uuidv7 } from '../common/ids';
import { EmailTeamMember } from '../core/entities/email-team-member.entity';
import { EmailTeamMemberHistory } from '../core/entities/email-team-member-history.entity';
import { membershipAction, removesLastOwner } from './team-rules';

export interface MembershipChange {
  teamId: string;
  email: string;
  /** null: no longer a member. */
  next: { role: string } | null;
  /** Who makes the change. */
  by: string;
  /** The history action when the user was not a member (`added`, `invitation_accepted`, `join_approved`). */
  joined: string;
}

export interface AppliedChange {
  /** The history action written, or null when nothing changed. */
  action: string | null;
  before: { role: string; is_active: boolean } | null;
  member: EmailTeamMember | null;
}

/**
 * The one path every membership change takes, inside the caller's transaction: the team row
 * is locked (changes to one team's members are serialized, so two owners cannot both leave),
 * the last owner is kept, and each change writes its email_team_member_history row (what,
 * whom, by whom, when). A member who leaves or is removed keeps an inactive row, so that the
 * history, which hangs off the membership row, stays readable.
 */
export const MemberLedger = {
  async roleOf(tx: EntityManager, teamId: string, email: string): Promise<string | null> {
    const row = await tx.getRepository(EmailTeamMember).findOneBy({ teamId, userEmail: email, isActive: true });
    return row?.role ?? null;
  },

  async apply(tx: EntityManager, change: MembershipChange): Promise<AppliedChange> {
    await tx.query(`SELECT id FROM email_teams WHERE id = $1 FOR UPDATE`, [change.teamId]);
    const repo = tx.getRepository(EmailTeamMember);
    const current = await repo.findOneBy({ teamId: change.teamId, userEmail: change.email });
    const before = current ? { role: current.role, is_active: current.isActive } : null;
    const action = membershipAction(current, change.next, { joined: change.joined, leaving: change.by === change.email });
    if (!action) return { action, before, member: current };
    const owners = (await repo.findBy({ teamId: change.teamId, role: 'owner', isActive: true })).map((m) => m.userEmail);
    if (current?.isActive && removesLastOwner(owners, change.email, change.next))
      throw new ConflictException(`${change.email} is the team's last owner: make another member an owner first`);
    let member: EmailTeamMember;
    if (!current) {
      member = repo.create({
        id: uuidv7(),
        teamId: change.teamId,
        userEmail: change.email,
        role: change.next!.role,
        invitedBy: change.by,
        isActive: true,
      });
      await repo.insert(member);
    } else {
      const wasActive = current.isActive;
      const fields: Partial<EmailTeamMember> = change.next
        ? { role: change.next.role, isActive: true, ...(wasActive ? {} : { joinedAt: new Date(), invitedBy: change.by }) }
        : { isActive: false };
      await repo.update({ id: current.id }, fields);
      member = { ...current, ...fields };
    }
    await tx.getRepository(EmailTeamMemberHistory).insert({
      id: uuidv7(),
      teamMemberId: member.id,
      teamId: change.teamId,
      userEmail: change.email,
      role: change.next?.role ?? current!.role,
      action,
      performedBy: change.by,
    });
    return { action, before, member };
  },
};
