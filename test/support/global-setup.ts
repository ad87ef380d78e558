import { ADMIN_URL_ENV, startTestServer } from './postgres';

/**
 * One embedded PostgreSQL 18 for the whole run (tests create their own databases on it),
 * unless TEST_DATABASE_URL names a server to use instead. Specs that need servers of
 * their own (stopping one, for instance) start them with startTestServer().
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    const u = new URL(process.env.TEST_DATABASE_URL);
    u.pathname = '/postgres';
    process.env[ADMIN_URL_ENV] = u.toString();
    return;
  }
  const server = await startTestServer();
  (globalThis as { __fourfoldServer?: unknown }).__fourfoldServer = server;
  process.env[ADMIN_URL_ENV] = server.adminUrl;
}
