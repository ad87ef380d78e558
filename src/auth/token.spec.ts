import { bearerToken, generateToken, hashToken, jtiOf, parseDuration, sameHash, TOKEN_PREFIX } from './token';

describe('tokens', () => {
  it('are prefixed, long and distinct', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(a.length).toBeGreaterThanOrEqual(TOKEN_PREFIX.length + 43);
    expect(a).not.toBe(b);
  });

  it('derive a stable UUID-shaped jti and a hash that is not the token', () => {
    const t = generateToken();
    expect(jtiOf(t)).toBe(jtiOf(t));
    expect(jtiOf(t)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toContain(t);
    expect(sameHash(hashToken(t), hashToken(t))).toBe(true);
    expect(sameHash(hashToken(t), hashToken(generateToken()))).toBe(false);
  });

  it('parse durations', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400);
    expect(parseDuration('12h')).toBe(43_200);
    expect(parseDuration('90m')).toBe(5_400);
    expect(() => parseDuration('0d')).toThrow(/invalid duration/);
    expect(() => parseDuration('soon')).toThrow(/invalid duration/);
  });

  it('read a bearer header', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
