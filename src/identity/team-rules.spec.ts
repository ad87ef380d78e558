import { Principal } from '../auth/principal';
import { canManageTeam, canSeeTeam, MEMBER_ACTION, membershipAction, removesLastOwner } from './team-rules';

const dev: Principal = {
  userId: 'u',
  email: 'dev@x',
  jti: 'j',
  roles: ['developer'],
  permissions: new Set(['teams.read', 'teams.write']),
  unrestricted: false,
  teams: ['t1'],
};
const viewer: Principal = { ...dev, permissions: new Set(['teams.read']) };
const admin: Principal = { ...dev, roles: ['admin'], permissions: new Set(['*']), unrestricted: true, teams: [] };

describe('team rules', () => {
  it('show a private team to its members and admins only, a public one to all', () => {
    expect(canSeeTeam(dev, { id: 't1', visibility: 'private' })).toBe(true);
    expect(canSeeTeam(dev, { id: 't2', visibility: 'private' })).toBe(false);
    expect(canSeeTeam(dev, { id: 't2', visibility: 'public' })).toBe(true);
    expect(canSeeTeam(admin, { id: 't2', visibility: 'private' })).toBe(true);
  });

  it('let owners with teams.write and admins manage a team', () => {
    expect(canManageTeam(dev, 'owner')).toBe(true);
    expect(canManageTeam(dev, 'member')).toBe(false);
    expect(canManageTeam(dev, null)).toBe(false);
    expect(canManageTeam(viewer, 'owner')).toBe(false);
    expect(canManageTeam(admin, null)).toBe(true);
  });

  it('name each membership change, and nothing for no change', () => {
    const how = { joined: MEMBER_ACTION.added, leaving: false };
    expect(membershipAction(null, { role: 'member' }, how)).toBe('added');
    expect(membershipAction({ role: 'owner', isActive: false }, { role: 'member' }, how)).toBe('added');
    expect(membershipAction({ role: 'member', isActive: true }, { role: 'member' }, how)).toBeNull();
    expect(membershipAction({ role: 'member', isActive: true }, { role: 'owner' }, how)).toBe('role_changed');
    expect(membershipAction({ role: 'member', isActive: true }, null, how)).toBe('removed');
    expect(membershipAction({ role: 'member', isActive: true }, null, { ...how, leaving: true })).toBe('left');
    expect(membershipAction({ role: 'member', isActive: false }, null, how)).toBeNull();
  });

  it('keep at least one owner', () => {
    expect(removesLastOwner(['a'], 'a', null)).toBe(true);
    expect(removesLastOwner(['a'], 'a', { role: 'member' })).toBe(true);
    expect(removesLastOwner(['a'], 'a', { role: 'owner' })).toBe(false);
    expect(removesLastOwner(['a', 'b'], 'a', null)).toBe(false);
    expect(removesLastOwner(['a'], 'b', null)).toBe(false);
  });
});
