import { randomBytes } from 'node:crypto';
import { parseSealed, parseSecretKey, SecretBox, SecretsUnavailableError } from './secret-box';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('SecretBox', () => {
  it('seals a value with the key id stored with it, and opens it in the same place only', () => {
    const box = new SecretBox({ active: k1, previous: [], production: true });
    const sealed = box.seal('hunter2', 'tools.auth_value:1') as string;
    expect(sealed).toMatch(/^ff1:k1:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('hunter2', 'tools.auth_value:1')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, 'tools.auth_value:1')).toBe('hunter2');
    expect(() => box.open(sealed, 'tools.auth_value:2')).toThrow(); // moved to another row
    const object = box.seal({ Authorization: 'Bearer x' }, 'gateways.auth_value:1');
    expect(box.open(object, 'gateways.auth_value:1')).toEqual({ Authorization: 'Bearer x' });
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered, 'tools.auth_value:1')).toThrow();
  });

  it('opens values of previous keys after a rotation, and says which values are current', () => {
    const old = new SecretBox({ active: k1, previous: [], production: false }).seal('s', 'c');
    const rotated = new SecretBox({ active: k2, previous: [k1], production: false });
    expect(rotated.open(old, 'c')).toBe('s');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.seal('s', 'c'))).toBe(true);
    expect(() => new SecretBox({ active: k2, previous: [], production: false }).open(old, 'c')).toThrow(/key "k1"/);
  });

  it('without a key: clear text in development, refused in production', () => {
    expect(new SecretBox({ active: null, previous: [], production: false }).seal('s', 'c')).toBe('s');
    expect(() => new SecretBox({ active: null, previous: [], production: true }).seal('s', 'c')).toThrow(SecretsUnavailableError);
    expect(new SecretBox({ active: null, previous: [], production: false }).open('plain', 'c')).toBe('plain');
  });

  it('parses keys and sealed values', () => {
    expect(parseSecretKey(`k-2026:${randomBytes(32).toString('base64')}`)).toMatchObject({ id: 'k-2026' });
    expect(parseSecretKey(`k:${randomBytes(16).toString('base64')}`)).toMatch(/32 bytes/);
    expect(parseSecretKey('no-colon')).toMatch(/<key id>:<base64/);
    expect(parseSealed('ff1:k1:abc')).toEqual({ keyId: 'k1', data: 'abc' });
    expect(parseSealed('plain text')).toBeNull();
    expect(parseSealed({ a: 1 })).toBeNull();
  });
});
