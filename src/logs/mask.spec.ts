import { changedFields, MASK, maskSecrets } from './mask';

describe('maskSecrets', () => {
  it('masks secret fields at any depth and leaves the rest', () => {
    const masked = maskSecrets({
      name: 't',
      auth_value: 'hunter2',
      nested: { api_key: 'sk-1', list: [{ password: 'x' }] },
      token_hash: null,
    });
    expect(masked).toEqual({ name: 't', auth_value: MASK, nested: { api_key: MASK, list: [{ password: MASK }] }, token_hash: null });
  });
});

describe('changedFields', () => {
  it('compares deeply and lists changed keys', () => {
    expect(changedFields({ a: 1, b: { x: [1] }, c: 'same' }, { a: 2, b: { x: [1] }, c: 'same', d: true })).toEqual(['a', 'd']);
  });
});
