import { redactUrl } from './logging';

describe('redactUrl', () => {
  it('masks query parameters that carry secrets, and leaves the rest', () => {
    expect(redactUrl('/api/v1/tools?access_token=ff_abc&limit=5')).toBe('/api/v1/tools?access_token=********&limit=5');
    expect(redactUrl('/x?API_KEY=1&x-api-key=2&key=3&token=4&Authorization=5&sig=6&tags=a,b')).toBe(
      '/x?API_KEY=********&x-api-key=********&key=********&token=********&Authorization=********&sig=********&tags=a,b',
    );
    expect(redactUrl('/x?acc%65ss_token=t')).toBe('/x?acc%65ss_token=********');
    expect(redactUrl('/x?limit=5&flag')).toBe('/x?limit=5&flag');
    expect(redactUrl('/api/v1/tools')).toBe('/api/v1/tools');
  });
});
