import { startTestServer } from './local-server';

/** One database server for the whole run; each test file gets its own database on it. */
export default async function globalSetup(): Promise<void> {
  const server = await startTestServer();
  (globalThis as { __linehubTestServer?: unknown }).__linehubTestServer = server;
  process.env.LINEHUB_TEST_MONGO = `mongodb://127.0.0.1:${server.port}`;
}
