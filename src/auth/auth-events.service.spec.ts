import { DataSource } from 'typeorm';
import { RowWriter } from '../writer/row-writer';
import { AUTH_EVENT, AuthEventsService } from './auth-events.service';
import { RequestMeta } from './principal';

const meta = (clientIp: string): RequestMeta => ({ requestId: 'r', clientIp, userAgent: null, path: '/api/v1/tools', method: 'GET' });
const who = { email: 'dev@example.com', jti: 'j1' };

function setup(recorded: Array<[string, string]> = []) {
  const rows: Array<Record<string, unknown>> = [];
  const writer = { enqueue: (_role: string, _table: string, r: Array<Record<string, unknown>>) => rows.push(...r) } as unknown as RowWriter;
  let reads = 0;
  const core = {
    query: async (_sql: string, params: unknown[]) => {
      reads++;
      return recorded.some(([jti, ip]) => jti === params[2] && ip === params[3]) ? [{ '?column?': 1 }] : [];
    },
  } as unknown as DataSource;
  return { events: new AuthEventsService(writer, core), rows, reads: () => reads };
}

describe('AuthEventsService', () => {
  it('records a token’s first use once, and nothing for ordinary use after it', async () => {
    const { events, rows, reads } = setup();
    await events.success(meta('10.0.0.1'), who, true);
    for (let i = 0; i < 100; i++) await events.success(meta('10.0.0.1'), who, i === 0);
    expect(rows.map((r) => r.event_type)).toEqual([AUTH_EVENT.firstUse]);
    expect(rows[0]).toMatchObject({
      success: true,
      user_email: who.email,
      ip_address: '10.0.0.1',
      details: expect.objectContaining({ token_jti: 'j1' }),
    });
    expect(reads()).toBe(0);
  });

  it('records the first use from a new address, once; an address already on record costs one read per replica', async () => {
    const { events, rows, reads } = setup([['j1', '10.0.0.1']]);
    for (let i = 0; i < 10; i++) await events.success(meta('10.0.0.1'), who, false);
    expect(rows).toEqual([]);
    expect(reads()).toBe(1);
    for (let i = 0; i < 10; i++) await events.success(meta('10.0.0.9'), who, false);
    expect(rows.map((r) => [r.event_type, r.ip_address])).toEqual([[AUTH_EVENT.newAddress, '10.0.0.9']]);
    expect(reads()).toBe(2);
  });

  it('records every failure and every block', () => {
    const { events, rows } = setup();
    events.failure(meta('10.0.0.2'), { reason: 'missing token' });
    events.failure(meta('10.0.0.2'), { reason: 'missing token' });
    events.blocked(meta('10.0.0.2'), 10, 300);
    expect(rows.map((r) => [r.event_type, r.success, r.failure_reason])).toEqual([
      [AUTH_EVENT.failure, false, 'missing token'],
      [AUTH_EVENT.failure, false, 'missing token'],
      [AUTH_EVENT.blocked, false, 'too many authentication failures'],
    ]);
    expect(rows[2].details).toMatchObject({ failures: 10, block_seconds: 300 });
  });
});
