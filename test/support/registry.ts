import { RowWriter } from '../../src/writer/row-writer';
import { TestApp } from './app';

/** Writes every buffered row (audit, logs, usage) now. */
export async function flushWriter(app: TestApp): Promise<void> {
  await app.app.get(RowWriter).flush();
}

export interface Member {
  email: string;
  token: string;
  jti: string;
}

/** Issues a token for a user with a role (creating the user), optionally adding it to teams. */
export async function member(app: TestApp, email: string, role: string, teams: string[] = [], expiresIn?: string): Promise<Member> {
  const res = await app.request('POST', '/api/v1/tokens', { body: { email, role, ...(expiresIn ? { expires_in: expiresIn } : {}) } });
  if (res.status !== 201) throw new Error(`token for ${email}: ${res.status} ${res.text}`);
  for (const team of teams) {
    const added = await app.request('PUT', `/api/v1/teams/${team}/members/${email}`, { body: {} });
    if (added.status !== 200) throw new Error(`member ${email} of ${team}: ${added.status} ${added.text}`);
  }
  return { email, token: res.body.token, jti: res.body.jti };
}

export async function team(app: TestApp, slug: string): Promise<string> {
  const res = await app.request('POST', '/api/v1/teams', { body: { name: slug, slug } });
  if (res.status !== 201) throw new Error(`team ${slug}: ${res.status} ${res.text}`);
  return res.body.id;
}
