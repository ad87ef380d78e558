import { blockOf } from './authenticator';

describe('blocked usage rows', () => {
  it('mark requests refused by a permission or a rate limit, and nothing else', () => {
    expect(blockOf(403)).toEqual({ blocked: true, block_reason: 'denied' });
    expect(blockOf(429)).toEqual({ blocked: true, block_reason: 'rate limited' });
    for (const status of [200, 201, 204, 400, 401, 404, 409, 503]) expect(blockOf(status)).toEqual({ blocked: false, block_reason: null });
  });
});
