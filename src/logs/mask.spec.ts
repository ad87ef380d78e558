import { changedFields, isSecretName, MASK, maskSecrets } from './mask';

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

describe('isSecretName', () => {
  it('matches secret names case-insensitively, header spellings included', () => {
    for (const name of [
      'Authorization',
      'AUTHORIZATION',
      'X-Api-Key',
      'x-api-key',
      'apiKey',
      'Proxy-Authorization',
      'Cookie',
      'X-Auth-Token',
      'client_secret',
      'DB_PASSWORD',
    ])
      expect([name, isSecretName(name)]).toEqual([name, true]);
    for (const name of ['token_url', 'authorization_url', 'max_tokens', 'auth_type', 'Content-Type', 'keyboard', 'name'])
      expect([name, isSecretName(name)]).toEqual([name, false]);
  });

  it('masks headers in audit values whatever their case', () => {
    expect(maskSecrets({ headers: { Authorization: 'Bearer x', 'X-Api-Key': 'k', Accept: 'json' } })).toEqual({
      headers: { Authorization: MASK, 'X-Api-Key': MASK, Accept: 'json' },
    });
  });
});

describe('changedFields', () => {
  it('compares deeply and lists changed keys', () => {
    expect(changedFields({ a: 1, b: { x: [1] }, c: 'same' }, { a: 2, b: { x: [1] }, c: 'same', d: true })).toEqual(['a', 'd']);
  });
});
