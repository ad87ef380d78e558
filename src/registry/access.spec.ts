import { Principal } from '../auth/principal';
import { canChange, canSee, canUseTeam, Scoped } from './access';

const dev: Principal = {
  userId: 'u',
  email: 'dev@x',
  jti: 'j',
  roles: ['developer'],
  permissions: new Set(),
  unrestricted: false,
  teams: ['t1'],
};
const admin: Principal = { ...dev, email: 'admin@x', roles: ['admin'], unrestricted: true, teams: [] };
const e = (visibility: Scoped['visibility'], teamId: string | null, ownerEmail: string | null): Scoped => ({
  visibility,
  teamId,
  ownerEmail,
});

describe('registry access rules', () => {
  it.each([
    [e('public', 't2', 'other@x'), true, false],
    [e('team', 't1', 'other@x'), true, true],
    [e('team', 't2', 'other@x'), false, false],
    [e('private', 't1', 'other@x'), false, false],
    [e('private', 't2', 'dev@x'), true, true],
    [e('public', 't1', 'other@x'), true, true],
    [e('public', null, 'other@x'), true, false],
  ])('%j: developer sees=%s changes=%s', (entity, sees, changes) => {
    expect(canSee(dev, entity)).toBe(sees);
    expect(canChange(dev, entity)).toBe(changes);
    expect(canSee(admin, entity)).toBe(true);
    expect(canChange(admin, entity)).toBe(true);
  });

  it('lets members use their own teams only', () => {
    expect(canUseTeam(dev, 't1')).toBe(true);
    expect(canUseTeam(dev, null)).toBe(true);
    expect(canUseTeam(dev, 't2')).toBe(false);
    expect(canUseTeam(admin, 't2')).toBe(true);
  });
});
