import { Principal } from '../auth/principal';
import { Visibility } from '../core/entities/registry-entity.base';

/** The columns that decide who sees and changes an entity. */
export interface Scoped {
  teamId: string | null;
  ownerEmail: string | null;
  visibility: Visibility;
}

/**
 * Who sees an entity: everyone when public; members of its team when team-visible; its
 * owner always; unrestricted roles (admin) everything. Private means owner only.
 */
export function canSee(p: Principal, e: Scoped): boolean {
  if (p.unrestricted || e.visibility === 'public' || e.ownerEmail === p.email) return true;
  return e.visibility === 'team' && e.teamId !== null && p.teams.includes(e.teamId);
}

/** Who changes an entity (given registry.write): its owner, members of its team, unrestricted roles. */
export function canChange(p: Principal, e: Scoped): boolean {
  if (p.unrestricted || e.ownerEmail === p.email) return true;
  return e.teamId !== null && p.teams.includes(e.teamId) && e.visibility !== 'private';
}

/** Whether the caller may put an entity into this team (null: no team, a personal entity). */
export function canUseTeam(p: Principal, teamId: string | null): boolean {
  return p.unrestricted || teamId === null || p.teams.includes(teamId);
}
