import type { TestServer } from './postgres';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __fourfoldServer?: TestServer }).__fourfoldServer;
  await server?.destroy();
}
