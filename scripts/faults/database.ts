/**
 * The embedded database for one fault scenario: a server of its own (fresh folder, fixed port),
 * so that killing or freezing it touches nothing else, and so that it can be started again on the
 * same port and files after a kill — the hub then has to find it again by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { startLocalDatabase, type LocalDatabase } from '../../src/infra/local-db/local-db';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { freePort } from '../bench/hub-process';

export interface FaultDatabase {
  uri: string;
  /** A driver connection of the tool's own, for seeding and for counting what was stored. */
  db(): Db;
  /** SIGKILL: the server is gone until `start()`. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and files (after `kill`). */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server keeps its sockets open and answers nothing. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

/** Every server started here, so the tool's way out (even on error or Ctrl-C) can kill it. */
const live = new Set<LocalDatabase>();

export function killAllDatabases(): void {
  for (const server of live) {
    if (server.pid === undefined) continue;
    try {
      // A frozen server ignores SIGTERM until it is continued; SIGKILL needs nothing from it.
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export async function startFaultDatabase(label: string): Promise<FaultDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `linehub-faults-${label}-`));
  const port = await freePort();
  const name = `faults_${label.replace(/\W/g, '_')}`;
  const boot = async () => {
    const started = await startLocalDatabase({
      dataDir,
      port,
      toolsDir: path.join(PROJECT_ROOT, '.tools'),
      dbName: name,
      log: () => {},
    });
    live.add(started);
    return started;
  };
  let server: LocalDatabase | undefined = await boot();
  // The tool's own client waits out the outages instead of failing its counts.
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 60_000 });
  await client.connect();
  const signal = (name: NodeJS.Signals) => {
    if (server?.pid !== undefined) process.kill(server.pid, name);
  };
  return {
    uri: server.uri,
    db: () => client.db(name),
    async kill() {
      if (!server) return;
      live.delete(server);
      await server.kill('SIGKILL');
      server = undefined;
    },
    async start() {
      if (!server) server = await boot();
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    async stop() {
      signal('SIGCONT');
      await client.close(true).catch(() => {});
      if (server) {
        live.delete(server);
        await server.kill('SIGKILL').catch(() => {});
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
