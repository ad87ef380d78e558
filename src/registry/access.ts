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
export function canSee(principal: Principal, entity: Scoped): boolean {
  if (principal.unrestricted || entity.visibility === 'public' || entity.ownerEmail === principal.email) return true;
  return entity.visibility === 'team' && entity.teamId !== null && principal.teams.includes(entity.teamId);
}

/** Who changes an entity (given registry.write): its owner, members of its team, unrestricted roles. */
export function canChange(principal: Principal, entity: Scoped): boolean {
  if (principal.unrestricted || entity.ownerEmail === principal.email) return true;
  return entity.teamId !== null && principal.teams.includes(entity.teamId) && entity.visibility !== 'private';
}

/** Whether the caller may put an entity into this team (null: no team, a personal entity). */
export function canUseTeam(principal: Principal, teamId: string | null): boolean {
  return principal.unrestricted || teamId === null || principal.teams.includes(teamId);
}
