import { hasPermission, PERMISSIONS } from '../auth/permissions';
import { Principal } from '../auth/principal';

export const TEAM_ROLES = ['owner', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export const TEAM_VISIBILITIES = ['private', 'public'] as const;

/** What `email_team_member_history.action` says. */
export const MEMBER_ACTION = {
  added: 'added',
  invitationAccepted: 'invitation_accepted',
  joinApproved: 'join_approved',
  roleChanged: 'role_changed',
  removed: 'removed',
  left: 'left',
} as const;

/** Sees every team and acts on it as an owner would (admins). */
export function managesAllTeams(principal: Principal): boolean {
  return principal.unrestricted || hasPermission(principal.permissions, PERMISSIONS.teamsManage);
}

/**
 * Who sees a team: its members, everyone when it is public, those who manage all teams.
 * A team the caller may not see answers exactly like one that does not exist.
 */
export function canSeeTeam(principal: Principal, team: { id: string; visibility: string }): boolean {
  return managesAllTeams(principal) || team.visibility === 'public' || principal.teams.includes(team.id);
}

/** Who changes a team, its members, invitations and join requests: its owners (with teams.write) and those who manage all teams. */
export function canManageTeam(principal: Principal, callerRole: string | null): boolean {
  return managesAllTeams(principal) || (callerRole === 'owner' && hasPermission(principal.permissions, PERMISSIONS.teamsWrite));
}

export interface Membership {
  role: string;
  isActive: boolean;
}

/**
 * The history action of moving a membership from `current` to `next` (null: not a member),
 * or null when nothing changes. `joined` names how an absent member arrives.
 */
export function membershipAction(
  current: Membership | null,
  next: { role: string } | null,
  how: { joined: string; leaving: boolean },
): string | null {
  const active = current?.isActive ? current : null;
  if (!next) return active ? (how.leaving ? MEMBER_ACTION.left : MEMBER_ACTION.removed) : null;
  if (!active) return how.joined;
  return active.role === next.role ? null : MEMBER_ACTION.roleChanged;
}

/** Whether the change takes the team's last owner away (removed, left or made a member). */
export function removesLastOwner(activeOwners: string[], email: string, next: { role: string } | null): boolean {
  if (!activeOwners.includes(email) || next?.role === 'owner') return false;
  return activeOwners.length <= 1;
}
