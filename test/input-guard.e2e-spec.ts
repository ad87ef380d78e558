import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter } from './support/registry';
import { StallProbe } from './support/stall-probe';
import { RowWriter } from '../src/writer/row-writer';

/**
 * The shared input checks in front of every route (src/http/input-guard.ts): bodies bounded
 * before parsing, then bodies, query strings and path parameters searched for what no route
 * may receive. Each refusal is a 400 naming the field; nothing reaches PostgreSQL.
 */
describe('input no route may receive', () => {
  let url: string;
  let app: TestApp;

  beforeAll(async () => {
    url = await createDatabase('inputs');
    app = await startApp({ DATABASE_URL: url });
  });

  afterAll(async () => {
    await app?.close();
    if (url) await dropDatabase(url);
  });

  const counts = async () => {
    await flushWriter(app);
    return query(url, `SELECT (SELECT count(*) FROM tools)::int tools, (SELECT count(*) FROM audit_trails)::int audit`);
  };
  const named = (res: { status: number; body: { errors?: Array<{ field: string; reason: string }> } }, field: string, reason: RegExp) => {
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field, reason: expect.stringMatching(reason) }]);
  };

  it('a 4 MiB free-form field of 350k keys answers 400 at once, and the process never stalls', async () => {
    const keys = Array.from({ length: 350_000 }, (_, i) => `"k${i}":0`).join(',');
    const body = `{"name":"flood","input_schema":{${keys}},"unknown":1}`;
    expect(body.length).toBeLessThan(4 * 1024 * 1024);
    const probe = new StallProbe().start();
    const started = performance.now();
    const [res, live] = await Promise.all([
      app.request('POST', '/api/v1/tools', { rawBody: body }),
      new Promise((r) => setTimeout(r, 5)).then(() => app.get('/health/live', null)),
    ]);
    const elapsed = performance.now() - started;
    const stall = probe.check();
    probe.stop();
    named(res, 'input_schema', /more than 10000 .*(HTTP_JSON_MAX_KEYS)/);
    expect(live.status).toBe(200);
    // Margins of seconds (a loaded 2-core host): the walk this guards against took 15 s. The tight figure is bench/stall.ts.
    expect(elapsed).toBeLessThan(5000);
    expect(stall.busyMs).toBeLessThan(2000);
  });

  it('NUL characters anywhere answer 400 naming the field: body strings, JSON keys and values, query, path ids, log search', async () => {
    const before = await counts();
    named(await app.post('/api/v1/tools', { name: 'a\u0000b' }), 'name', /NUL/);
    named(
      await app.post('/api/v1/tools', { name: 't', input_schema: { properties: { 'x\u0000': 1 } } }),
      'input_schema.properties',
      /key .* NUL/,
    );
    named(await app.post('/api/v1/tools', { name: 't', annotations: { notes: ['ok', 'bad\u0000'] } }), 'annotations.notes[1]', /NUL/);
    named(await app.post('/api/v1/logs/search', { text: 'x\u0000' }), 'text', /NUL/);
    named(await app.get('/api/v1/metrics/tools/a%00b/summary'), 'id', /NUL/);
    named(await app.get('/api/v1/tools?tags=a%00'), 'tags', /NUL/);
    named(await app.request('PUT', '/api/v1/users/x%40y.z/roles/vie%00wer'), 'role', /NUL/);
    named(await app.post('/api/v1/tools', { name: '\ud800' }), 'name', /unpaired/);
    expect(await counts()).toEqual(before);
  });

  it('the OTLP receiver, which reads its own bodies, applies the same rules: NUL refused naming the field, nothing refused later by PostgreSQL', async () => {
    const refusedBefore = app.app.get(RowWriter).stats().totals.rejected;
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = (name: string, attribute: string) => ({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  name,
                  startTimeUnixNano: String(now),
                  endTimeUnixNano: String(now + 1_000_000n),
                  attributes: [{ key: 'k', value: { stringValue: attribute } }],
                },
              ],
            },
          ],
        },
      ],
    });
    named(await app.post('/v1/traces', span('a\u0000b', 'v')), 'resourceSpans[0].scopeSpans[0].spans[0].name', /NUL/);
    named(
      await app.post('/v1/traces', span('ok', 'v\u0000')),
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.stringValue',
      /NUL/,
    );
    named(await app.post('/v1/traces', `{"resourceSpans":${'['.repeat(100)}${']'.repeat(100)}}`), 'resourceSpans', /nested deeper/);
    expect((await app.post('/v1/traces', span('ok', 'v'))).status).toBe(200);
    await flushWriter(app);
    expect(app.app.get(RowWriter).stats().totals.rejected).toBe(refusedBefore);
  });

  it('JSON nested 3,000 to 10,000 deep answers 400 naming the field', async () => {
    for (const depth of [3_000, 10_000]) {
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      named(await app.post('/api/v1/tools', `{"name":"t","input_schema":{"a":${deep}}}`), 'input_schema', /nested deeper than 64 levels/);
      named(await app.post('/api/v1/logs/search', `{"text":${deep}}`), 'text', /nested deeper/);
    }
    named(await app.post('/api/v1/metrics/executions', '['.repeat(5000)), '[0]', /nested deeper/);
  });

  it('__proto__, constructor and prototype keys are refused, not dropped', async () => {
    const before = await counts();
    named(await app.post('/api/v1/tools', '{"name":"p","__proto__":{"admin":true}}'), '(body)', /must not use the key "__proto__"/);
    named(await app.post('/api/v1/tools', '{"name":"p","input_schema":{"constructor":{"prototype":{}}}}'), 'input_schema', /"constructor"/);
    named(await app.post('/api/v1/tokens', '{"email":"p@example.com","role":"viewer","constructor":1}'), '(body)', /"constructor"/);
    named(await app.get('/api/v1/tools?__proto__=1'), '(query)', /"__proto__"/);
    // Spelled with escapes: found all the same. In a charset whose bytes differ from UTF-8's: never parsed (415).
    named(await app.post('/api/v1/tools', '{"name":"p","\\u005f_proto__":{"admin":true}}'), '(body)', /"__proto__"/);
    const utf16 = await fetch(`${app.baseUrl}/api/v1/tools`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.adminToken}`, 'content-type': 'application/json; charset=utf-16le' },
      body: Buffer.from('{"name":"p","__proto__":{"admin":true}}', 'utf16le'),
    });
    expect(utf16.status).toBe(415);
    expect(((await utf16.json()) as { message: string }).message).toMatch(/UTF-8.*utf-16le/);
    expect(await counts()).toEqual(before);
  });

  it('the API takes JSON bodies only: a form or plain text answers 415', async () => {
    const before = await counts();
    const form = await app.post('/api/v1/tools', 'name=from-a-form', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form).toMatchObject({
      status: 415,
      body: { message: expect.stringMatching(/must be JSON.*not application\/x-www-form-urlencoded/) },
    });
    expect((await app.post('/api/v1/teams', '{"name":"t","slug":"t"}', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await app.post('/api/v1/tools', '{"name":"vendor-json"}', { 'content-type': 'application/vnd.api+json' })).status).toBe(201);
    await app.request('DELETE', `/api/v1/tools/${(await app.get('/api/v1/tools')).body.items[0].id}`);
    expect((await app.request('POST', '/api/v1/metrics/rollup')).status).toBe(200); // no body at all: fine
    const after = await counts();
    expect(after[0].tools).toBe(before[0].tools);
  });
});
