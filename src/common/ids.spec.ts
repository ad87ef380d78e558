import { validate, version } from 'uuid';
import { canonicalJson, nameUuid, uuidv7 } from './ids';

describe('uuidv7', () => {
  it('is a valid version 7 UUID with the RFC 9562 variant', () => {
    for (let i = 0; i < 1000; i++) {
      const id = uuidv7();
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
      expect('89ab').toContain(id[19]);
    }
  });

  it('carries the millisecond timestamp and sorts by creation, also within one millisecond', () => {
    const ms = Date.UTC(2030, 5, 1, 12, 0, 0, 123);
    const id = uuidv7(ms);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
    const ids = Array.from({ length: 5000 }, () => uuidv7(ms + 1));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(uuidv7(ms + 100) > ids[ids.length - 1]).toBe(true);
  });
});

describe('nameUuid', () => {
  it('is a valid version 5 layout UUID, the same for the same name and different for another', () => {
    const id = nameUuid('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 'tool');
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(5);
    expect(nameUuid('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 'tool')).toBe(id);
    expect(nameUuid('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 'server')).not.toBe(id);
  });
});

describe('canonicalJson', () => {
  it('spells one value one way whatever the order of its keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson('x')).toBe('"x"');
  });
});
