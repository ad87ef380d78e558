import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase } from './support/postgres';

const ALLOWED = 'https://console.example.com';

describe('response headers: helmet, no-store, CORS off by default', () => {
  let url: string;
  let closed: TestApp;
  let open: TestApp;

  beforeAll(async () => {
    url = await createDatabase('headers');
    closed = await startApp({ DATABASE_URL: url });
    open = await startApp({ DATABASE_URL: url, MIGRATIONS_RUN: 'false', CORS_ALLOWED_ORIGINS: ALLOWED });
  });

  afterAll(async () => {
    await closed?.close();
    await open?.close();
    if (url) await dropDatabase(url);
  });

  const preflight = (app: TestApp, origin: string) =>
    app.request('OPTIONS', '/api/v1/tools', {
      token: null,
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('every answer, refusals included, has no X-Powered-By, nosniff and Cache-Control: no-store', async () => {
    for (const res of [
      await closed.get('/api/v1/tools'),
      await closed.get('/api/v1/tools', null),
      await closed.post('/api/v1/tools', '{"name":'),
      await closed.post('/api/v1/tools', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }),
      await closed.get('/health/live', null),
    ]) {
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const csp = res.headers.get('content-security-policy')!;
      // Strict, except that plain HTTP is not upgraded (Swagger UI over http on a host name: test/docs-browser).
      for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'self'", "base-uri 'self'"])
        expect(csp).toContain(directive);
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('cross-origin-opener-policy')).toBeNull(); // plain HTTP: sent over HTTPS only
    }
  });

  it('without CORS_ALLOWED_ORIGINS a preflight answers 403 saying why, and no answer carries CORS headers', async () => {
    const res = await preflight(closed, ALLOWED);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, message: 'cross-origin requests are not enabled (CORS_ALLOWED_ORIGINS is not set)' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await closed.request('GET', '/api/v1/tools', { headers: { origin: ALLOWED } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('an allowed origin gets a 204 preflight with the CORS headers; another origin is refused', async () => {
    const res = await preflight(open, ALLOWED);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,PATCH,DELETE');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,X-Request-Id');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    const get = await open.request('GET', '/api/v1/tools', { headers: { origin: ALLOWED } });
    expect(get.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(get.headers.get('access-control-expose-headers')).toBe('X-Request-Id,Retry-After');

    const other = await preflight(open, 'https://evil.example.com');
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('cross-origin requests from https://evil.example.com are not allowed (CORS_ALLOWED_ORIGINS)');
    const otherGet = await open.request('GET', '/api/v1/tools', { headers: { origin: 'https://evil.example.com' } });
    expect(otherGet.headers.get('access-control-allow-origin')).toBeNull();
  });
});
