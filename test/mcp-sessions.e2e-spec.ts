import { Client } from 'pg';
import { ExpiryPurgeService } from '../src/core/purge/expiry-purge.service';
import { startApp, TestApp } from './support/app';
import { createDatabase, dropDatabase, query } from './support/postgres';
import { flushWriter, member, Member } from './support/registry';

/** Messages in expired sessions for the purge spec (MCP_PURGE_SPEC_MESSAGES; the million takes minutes here). */
const PURGE_MESSAGES = Number(process.env.MCP_PURGE_SPEC_MESSAGES ?? 200_000);

/** The MCP session store: two replicas on one core database, as the gateway's workers use it. */
describe('MCP sessions', () => {
  let url: string;
  let a: TestApp;
  let b: TestApp;
  let worker: Member;

  beforeAll(async () => {
    url = await createDatabase('sessions');
    const env = { DATABASE_URL: url, CORE_PURGE_ENABLED: 'false', MCP_SESSION_TTL_SECONDS: '3600', CORE_PURGE_BATCH_ROWS: '5000' };
    a = await startApp(env);
    b = await startApp({ ...env, ADMIN_TOKEN: a.adminToken });
    worker = await member(a, 'gateway@example.com', 'gateway');
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (url) await dropDatabase(url);
  });

  const open = async (app: TestApp, body: object = {}) => {
    const res = await app.request('POST', '/api/v1/mcp/sessions', { token: worker.token, body });
    expect(res.status).toBe(201);
    return res.body.session_id as string;
  };
  const append = (app: TestApp, id: string, messages: string[], token = worker.token) =>
    app.request('POST', `/api/v1/mcp/sessions/${encodeURIComponent(id)}/messages`, { token, body: { messages } });
  const after = (app: TestApp, id: string, last: number, token = worker.token) =>
    app.get(`/api/v1/mcp/sessions/${encodeURIComponent(id)}/messages?after=${last}`, token);

  it('a session created on one replica is resumed on the other after the last event id', async () => {
    const id = await open(a, {
      protocol_version: '2025-06-18',
      client_info: { name: 'inspector', version: '1.0' },
      user_email: 'Dev@Example.com',
    });
    const first = await append(a, id, ['{"jsonrpc":"2.0","id":1}', '{"jsonrpc":"2.0","id":2}', '{"jsonrpc":"2.0","id":3}']);
    expect(first.status).toBe(201);
    expect(first.body.event_ids).toEqual([1, 2, 3]);

    const resumed = await after(b, id, 1);
    expect(resumed.status).toBe(200);
    expect(resumed.body.items.map((m: { event_id: number; message: string }) => [m.event_id, m.message])).toEqual([
      [2, '{"jsonrpc":"2.0","id":2}'],
      [3, '{"jsonrpc":"2.0","id":3}'],
    ]);
    expect(resumed.body.last_event_id).toBe(3);
    expect((await append(b, id, ['four'])).body.event_ids).toEqual([4]);
    expect((await after(a, id, 3)).body.items.map((m: { message: string }) => m.message)).toEqual(['four']);
    const session = await b.get(`/api/v1/mcp/sessions/${id}`);
    expect(session.body).toMatchObject({
      session_id: id,
      protocol_version: '2025-06-18',
      client_info: { name: 'inspector', version: '1.0' },
      user_email: 'dev@example.com',
      last_event_id: 4,
    });
  });

  it('8 concurrent appenders on two replicas: event ids 1..n, no gap, no repeat', async () => {
    const id = await open(a);
    const perAppender = 40;
    const appender = async (n: number) => {
      const got: number[] = [];
      for (let i = 0; i < perAppender; i++) {
        const batch = Array.from({ length: 1 + ((n + i) % 3) }, (_, k) => `m${n}-${i}-${k}`);
        const res = await append(n % 2 ? a : b, id, batch);
        expect(res.status).toBe(201);
        // A batch's ids are consecutive.
        expect(res.body.event_ids).toEqual(batch.map((_, k) => res.body.event_ids[0] + k));
        got.push(...res.body.event_ids);
      }
      return got;
    };
    const started = performance.now();
    const ids = (await Promise.all(Array.from({ length: 8 }, (_, n) => appender(n)))).flat();
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...ids].sort((x, y) => x - y);
    expect(sorted).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    const stored = await query<{ n: number; min: string; max: string }>(
      url,
      `SELECT count(DISTINCT event_id)::int n, min(event_id) min, max(event_id) max FROM mcp_messages WHERE session_id = $1`,
      [id],
    );
    expect(stored[0]).toEqual({ n: ids.length, min: '1', max: String(ids.length) });
    process.stdout.write(`8 appenders, one session: ${8 * perAppender} appends (${ids.length} messages) in ${seconds.toFixed(2)} s\n`);
  });

  it('subscriptions: subscribe, list the subscribers of a URI, unsubscribe; closing a session removes its own', async () => {
    const uri = 'file:///project/README.md';
    const s1 = await open(a);
    const s2 = await open(b);
    for (const s of [s1, s2, s2])
      expect((await a.request('PUT', `/api/v1/mcp/sessions/${s}/subscriptions`, { token: worker.token, body: { uri } })).status).toBe(204);
    const subscribers = async (app: TestApp, limit = 100) =>
      app.get(`/api/v1/mcp/subscriptions?uri=${encodeURIComponent(uri)}&limit=${limit}`, worker.token);
    expect((await subscribers(b)).body.items.map((i: { session_id: string }) => i.session_id)).toEqual([s1, s2]);
    const page = await subscribers(b, 1);
    expect(page.body.items).toHaveLength(1);
    const next = await b.get(
      `/api/v1/mcp/subscriptions?uri=${encodeURIComponent(uri)}&limit=1&cursor=${page.body.next_cursor}`,
      worker.token,
    );
    expect(next.body.items.map((i: { session_id: string }) => i.session_id)).toEqual([s2]);
    const notified = await query<{ n: number }>(
      url,
      `SELECT count(*)::int n FROM resource_subscriptions WHERE last_notification IS NOT NULL`,
    );
    expect(notified[0].n).toBe(2);

    expect(
      (await a.request('DELETE', `/api/v1/mcp/sessions/${s2}/subscriptions?uri=${encodeURIComponent(uri)}`, { token: worker.token }))
        .status,
    ).toBe(204);
    expect(
      (await a.request('DELETE', `/api/v1/mcp/sessions/${s2}/subscriptions?uri=${encodeURIComponent(uri)}`, { token: worker.token }))
        .status,
    ).toBe(404);
    expect((await a.request('DELETE', `/api/v1/mcp/sessions/${s1}`, { token: worker.token })).status).toBe(204);
    expect((await subscribers(a)).body.items).toEqual([]);
    expect((await a.get(`/api/v1/mcp/sessions/${s1}`, worker.token)).status).toBe(404);
    expect((await append(b, s1, ['late'])).status).toBe(404);
    expect((await a.request('DELETE', `/api/v1/mcp/sessions/${s1}`, { token: worker.token })).status).toBe(404);

    await flushWriter(a);
    const audit = await query<{ action: string }>(
      url,
      `SELECT action FROM audit_trails WHERE resource_type = 'mcp_session' AND resource_id = $1 ORDER BY timestamp`,
      [s1],
    );
    expect(audit.map((r) => r.action)).toEqual(['create', 'close']);
  });

  it('needs gateway.worker; bad input answers 400 naming the field', async () => {
    const viewer = await member(a, 'viewer@example.com', 'viewer');
    const developer = await member(a, 'dev@example.com', 'developer');
    for (const token of [viewer.token, developer.token])
      expect((await a.request('POST', '/api/v1/mcp/sessions', { token, body: {} })).status).toBe(403);
    const id = await open(a);
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/v1/mcp/sessions', { session_id: 'has space' }, 'session_id'],
      ['POST', '/api/v1/mcp/sessions', { server_id: '00000000-0000-4000-8000-000000000000' }, 'server_id'],
      ['POST', '/api/v1/mcp/sessions', { client_info: 'x' }, 'client_info'],
      ['POST', `/api/v1/mcp/sessions/${id}/messages`, { messages: [] }, 'messages'],
      ['POST', `/api/v1/mcp/sessions/${id}/messages`, { messages: [1] }, 'messages'],
      ['GET', `/api/v1/mcp/sessions/${id}/messages?after=-1`, undefined, 'after'],
      ['GET', `/api/v1/mcp/sessions/${'x'.repeat(256)}`, undefined, 'session_id'],
      ['GET', `/api/v1/mcp/subscriptions`, undefined, 'uri'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await a.request(method, path, { token: worker.token, body });
      expect([path, res.status, res.body.errors?.[0]?.field]).toEqual([path, 400, field]);
    }
    expect((await a.request('POST', '/api/v1/mcp/sessions', { token: worker.token, body: { session_id: id } })).status).toBe(409);
  });

  it(`purges ${PURGE_MESSAGES} messages of expired sessions in batches while appends continue, none waiting`, async () => {
    const expired = Array.from({ length: 20 }, (_, i) => `expired-${i}`);
    await query(
      url,
      `INSERT INTO mcp_sessions (session_id, last_accessed, last_event_id) SELECT unnest($1::varchar[]), now() - interval '2 hours', $2`,
      [expired, PURGE_MESSAGES / expired.length],
    );
    await query(
      url,
      `INSERT INTO mcp_messages (id, session_id, event_id, message)
       SELECT gen_random_uuid()::varchar, (($1::varchar[])[1 + (g % $2)]), 1 + g / $2, repeat('x', 200)
         FROM generate_series(0, $3 - 1) g`,
      [expired, expired.length, PURGE_MESSAGES],
    );
    await query(url, `INSERT INTO resource_subscriptions (id, subscriber_id, uri) VALUES (gen_random_uuid()::varchar, $1, 'file:///x')`, [
      expired[0],
    ]);
    // An expired session answers as missing before it is purged.
    expect((await append(a, expired[0], ['too late'])).status).toBe(404);

    // One session per appender: appends to one session queue on its row by design, so any lock wait seen is the purge's doing.
    const live = await Promise.all(Array.from({ length: 8 }, (_, n) => open(n % 2 ? a : b)));
    // The expired sessions and any closed by the specs above.
    const [{ dead }] = await query<{ dead: number }>(
      url,
      `SELECT count(*)::int dead FROM mcp_sessions WHERE closed_at IS NOT NULL OR last_accessed < now() - interval '3600 seconds'`,
    );
    let stop = false;
    const latencies: number[] = [];
    const failures: number[] = [];
    const appender = async (n: number) => {
      while (!stop) {
        const t = performance.now();
        const res = await append(n % 2 ? a : b, live[n], [`during purge ${n}`]);
        latencies.push(performance.now() - t);
        if (res.status !== 201) failures.push(res.status);
      }
    };
    const appenders = Array.from({ length: 8 }, (_, n) => appender(n));
    let lockWaits = 0;
    let samples = 0;
    const sampler = (async () => {
      const waiting = `SELECT count(*)::int n FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%SET last_event_id%'`;
      const client = new Client({ connectionString: url });
      await client.connect();
      while (!stop) {
        lockWaits += (await client.query<{ n: number }>(waiting)).rows[0].n;
        samples++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.end();
    })();
    const purge = a.app.get(ExpiryPurgeService);
    const started = performance.now();
    const outcome = await purge.purge();
    const seconds = (performance.now() - started) / 1000;
    stop = true;
    await Promise.all([...appenders, sampler]);

    // At least: on a slow machine a session of an earlier spec may pass its idle TTL between the count and the purge.
    expect(outcome.deleted.mcp_messages).toBeGreaterThanOrEqual(PURGE_MESSAGES);
    expect(outcome.deleted.mcp_sessions).toBeGreaterThanOrEqual(dead);
    expect(outcome.yielded).toEqual([]);
    expect(failures).toEqual([]);
    expect(samples).toBeGreaterThan(0);
    expect(lockWaits).toBe(0);
    expect(latencies.length).toBeGreaterThan(8);
    // A margin of seconds: an append that waited on the purge would wait for whole batches.
    expect(Math.max(...latencies)).toBeLessThan(5000);
    const left = await query<{ sessions: number; messages: number; subs: number }>(
      url,
      `SELECT (SELECT count(*) FROM mcp_sessions WHERE session_id LIKE 'expired-%')::int sessions,
              (SELECT count(*) FROM mcp_messages m WHERE m.session_id LIKE 'expired-%')::int messages,
              (SELECT count(*) FROM resource_subscriptions WHERE subscriber_id LIKE 'expired-%')::int subs`,
    );
    expect(left[0]).toEqual({ sessions: 0, messages: 0, subs: 0 });
    for (const id of live) expect((await a.get(`/api/v1/mcp/sessions/${id}`, worker.token)).status).toBe(200);
    const sorted = [...latencies].sort((x, y) => x - y);
    process.stdout.write(
      `purge: ${PURGE_MESSAGES} messages in ${seconds.toFixed(1)} s; ${latencies.length} appends meanwhile, p50 ${sorted[sorted.length >> 1].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms; appends seen waiting on a lock in ${samples} samples: ${lockWaits}\n`,
    );
  });
});
