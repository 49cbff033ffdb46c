import type { TestServer } from './local-server';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __linehubTestServer?: TestServer }).__linehubTestServer?.dispose();
}
