import { AuthFailureTracker } from './auth-failure-tracker';

describe('AuthFailureTracker', () => {
  it('blocks an address at the threshold within the window, for the block time', () => {
    let now = 0;
    const t = new AuthFailureTracker(3, 10_000, 60_000, () => now);
    expect(t.recordFailure('1.2.3.4')).toBeNull();
    now = 1000;
    expect(t.recordFailure('1.2.3.4')).toBeNull();
    expect(t.blockedFor('1.2.3.4')).toBe(0);
    expect(t.recordFailure('9.9.9.9')).toBeNull();
    now = 2000;
    expect(t.recordFailure('1.2.3.4')).toBe(3);
    expect(t.blockedFor('1.2.3.4')).toBe(60);
    expect(t.blockedFor('9.9.9.9')).toBe(0);
    now = 62_001;
    expect(t.blockedFor('1.2.3.4')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    let now = 0;
    const t = new AuthFailureTracker(2, 1000, 5000, () => now);
    t.recordFailure('a');
    now = 1500;
    expect(t.recordFailure('a')).toBeNull();
    now = 1600;
    expect(t.recordFailure('a')).toBe(2);
  });
});
