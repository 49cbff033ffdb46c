import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { ensureFerretDb } from './ferretdb-install';
import { findOnPath } from './executables';

export interface LocalDatabase {
  uri: string;
  engine: 'mongod' | 'ferretdb' | 'already running';
  stop(): Promise<void>;
}

export interface LocalDatabaseOptions {
  /** Data lives here (`<dataDir>/db`) with the server's log beside it. */
  dataDir: string;
  port: number;
  toolsDir: string;
  dbName: string;
  /** Use a server that already answers on the port (the hub after a crash) instead of failing. */
  reuseRunning?: boolean;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

/** Whether a MongoDB-compatible server answers on this URI within the time given. */
export async function answersPing(uri: string, timeoutMs: number): Promise<boolean> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
  });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

function serverCommand(
  options: LocalDatabaseOptions,
  dbPath: string,
  ferretdb: string | undefined,
) {
  const host = '127.0.0.1';
  if (!ferretdb) {
    return {
      engine: 'mongod' as const,
      command: 'mongod',
      args: ['--dbpath', dbPath, '--port', String(options.port), '--bind_ip', host, '--quiet'],
    };
  }
  return {
    engine: 'ferretdb' as const,
    command: ferretdb,
    args: [
      '--handler=sqlite',
      `--sqlite-url=file:${dbPath}/`,
      `--listen-addr=${host}:${options.port}`,
      `--state-dir=${options.dataDir}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
  };
}

/**
 * Starts a MongoDB-compatible server on loopback for local runs and tests: a `mongod` on PATH when
 * there is one, else FerretDB on SQLite (built on first use). Production sets MONGODB_URI instead.
 */
export async function startLocalDatabase(options: LocalDatabaseOptions): Promise<LocalDatabase> {
  const log = options.log ?? (() => {});
  const uri = `mongodb://127.0.0.1:${options.port}/${options.dbName}`;
  if (options.reuseRunning && (await answersPing(uri, 500))) {
    log(`a database already answers on port ${options.port}; using it`);
    return { uri, engine: 'already running', stop: async () => {} };
  }

  const dataDir = path.resolve(options.dataDir);
  const dbPath = path.join(dataDir, 'db');
  mkdirSync(dbPath, { recursive: true });
  const ferretdb = findOnPath('mongod') ? undefined : await ensureFerretDb(options.toolsDir, log);
  const { engine, command, args } = serverCommand({ ...options, dataDir }, dbPath, ferretdb);

  const logFile = createWriteStream(path.join(dataDir, `${engine}.log`), { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let recentOutput = '';
  const keep = (chunk: Buffer) => {
    logFile.write(chunk);
    recentOutput = (recentOutput + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await waitUntilReady(uri, child, exited, options.readyTimeoutMs ?? 30_000, () => recentOutput);
  log(`local ${engine} listening on 127.0.0.1:${options.port}, data in ${dbPath}`);

  return {
    uri,
    engine,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      logFile.end();
    },
  };
}

async function waitUntilReady(
  uri: string,
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined || child.exitCode !== null) {
      throw new Error(`local database exited (code ${child.exitCode}):\n${output()}`);
    }
    if (await answersPing(uri, 500)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`local database did not answer within ${timeoutMs} ms:\n${output()}`);
}
