import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalDatabase, type LocalDatabase } from '../../src/infra/local-db/local-db';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { freePort } from './ports';

export interface TestServer {
  db: LocalDatabase;
  dataDir: string;
  port: number;
  /** Stops the server (if it still runs) and starts it again on the same port and data. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A real MongoDB-compatible server in its own temp directory and port, started exactly as
 * `npm start` starts one: the engine of LOCAL_DB_ENGINE (default SecantusDB), with its own flags.
 */
export async function startTestServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linehub-db-'));
  const port = await freePort();
  const start = () =>
    startLocalDatabase({
      dataDir,
      port,
      toolsDir: path.join(PROJECT_ROOT, '.tools'),
      dbName: 'linehub',
    });
  const server: TestServer = {
    db: await start(),
    dataDir,
    port,
    async restart() {
      // The old process must be gone first: its storage lock and port are released on exit.
      await server.db.stop();
      server.db = await start();
    },
    async dispose() {
      await server.db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
