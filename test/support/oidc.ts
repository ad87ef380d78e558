import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface TestOidcProvider {
  issuer: string;
  stop(): Promise<void>;
}

/** Starts the OIDC provider of test/support/oidc-provider-process.mjs on a free port. */
export async function startOidcProvider(redirectUri: string, clientId: string, clientSecret: string): Promise<TestOidcProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-provider-process.mjs'), redirectUri, clientId, clientSecret], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`OIDC provider exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    issuer: (JSON.parse(line) as { issuer: string }).issuer,
    stop: async () => {
      if (child.exitCode === null) child.kill();
      await exited;
    },
  };
}

/**
 * Follows the provider's redirects as a browser would (cookies kept, whatever their path) until
 * one leads to `until`; returns that URL without requesting it.
 */
export async function followUntil(start: string, until: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const set of res.headers.getSetCookie()) {
      const pair = set.split(';')[0];
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`${url} answered ${res.status} without a redirect: ${(await res.text()).slice(0, 300)}`);
    const next = new URL(location, url).href;
    if (next.startsWith(until)) return next;
    url = next;
  }
  throw new Error('too many redirects');
}
