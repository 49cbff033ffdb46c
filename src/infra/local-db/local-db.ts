import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { chooseEngine, type LocalDbEngine } from './engines';
import { ensureFerretDb } from './ferretdb-install';
import { ensureSecantus } from './secantus-install';
import { ensureSecantusRust } from './secantus-rust-install';

export { chooseEngine, LOCAL_DB_ENGINES, type LocalDbEngine } from './engines';

export interface LocalDatabase {
  uri: string;
  engine: LocalDbEngine | 'already running';
  /** The server's process id; undefined when a server already running was reused. */
  pid: number | undefined;
  /** Sends the server a signal and waits until it has exited (tests crash it with SIGKILL). */
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalDatabaseOptions {
  /**
   * Data lives here with the server's log beside it, one folder per engine so that no engine
   * opens another's files: `<dataDir>/db-secantus`, `<dataDir>/db` (FerretDB, mongod).
   */
  dataDir: string;
  port: number;
  toolsDir: string;
  dbName: string;
  /** Overrides `LOCAL_DB_ENGINE` (by default that, else a mongod on PATH, else SecantusDB). */
  engine?: LocalDbEngine;
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
    // Under Jest the driver's own `await import('os')` fails inside the vm sandbox and the
    // handshake goes out with empty client metadata, which mongod refuses; so it is handed `os`.
    runtimeAdapters: { os },
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

/** Installs the engine when needed (once) and returns the program to run. */
export async function ensureEngine(
  engine: LocalDbEngine,
  toolsDir: string,
  log: (line: string) => void = () => {},
): Promise<string> {
  switch (engine) {
    case 'secantus':
      return ensureSecantus(toolsDir, log);
    case 'secantus-rs':
      return ensureSecantusRust(log);
    case 'ferretdb':
      return ensureFerretDb(toolsDir, log);
    case 'mongod':
      return 'mongod';
  }
}

const ENGINE_FOLDERS: Partial<Record<LocalDbEngine, string>> = {
  secantus: 'db-secantus',
  'secantus-rs': 'db-secantus-rs',
};

/** Where an engine keeps its files; FerretDB and mongod keep the folder they always had. */
export function engineDataPath(engine: LocalDbEngine, dataDir: string): string {
  return path.join(path.resolve(dataDir), ENGINE_FOLDERS[engine] ?? 'db');
}

interface ServerCommand {
  args: string[];
  env?: NodeJS.ProcessEnv;
}

function serverCommand(
  engine: LocalDbEngine,
  port: number,
  dataDir: string,
  dbPath: string,
): ServerCommand {
  const host = '127.0.0.1';
  switch (engine) {
    case 'mongod':
      return { args: ['--dbpath', dbPath, '--port', String(port), '--bind_ip', host, '--quiet'] };
    case 'ferretdb':
      return {
        args: [
          '--handler=sqlite',
          `--sqlite-url=file:${dbPath}/`,
          `--listen-addr=${host}:${port}`,
          `--state-dir=${dataDir}`,
          '--debug-addr=-',
          '--telemetry=disable',
          '--log-level=warn',
        ],
      };
    case 'secantus':
    case 'secantus-rs': {
      // SecantusDB reads ./secantusd.toml, ~/.secantus/ or /etc/secantus/ unless given a file:
      // this one keeps stray settings (auth, TLS) out; flags below win over anything put in it.
      const config = path.join(dataDir, 'secantusd.toml');
      if (!existsSync(config)) {
        writeFileSync(config, '# linehub passes its settings as flags; these here come second.\n');
      }
      const args = [
        '--config',
        config,
        '--host',
        host,
        '--port',
        String(port),
        '--storage-path',
        dbPath,
        '--cache-size',
        '256M',
        '--log-level',
        'WARNING',
      ];
      return engine === 'secantus'
        ? {
            args,
            env: {
              ...process.env,
              PYTHONUNBUFFERED: '1',
              // WiredTiger's default keeps commits in a buffer of its own, so a killed server
              // loses the last ones (494 of 500 kept); `--sync-on-commit` fsyncs every commit
              // (all kept, at a third of the throughput). Writing the journal to the operating
              // system at each commit without an fsync keeps every acknowledged write when the
              // process dies (kill -9, OOM; tested), like mongod's default write concern: only
              // a power loss can take the last moments. WiredTiger reads this variable last.
              WIREDTIGER_CONFIG: 'transaction_sync=(enabled=true,method=none)',
            },
          }
        : {
            // The Rust server keeps acknowledged writes across kill -9 only when it syncs every
            // commit; it allocates its whole write-ahead log up front (128 MB by default).
            args: [...args, '--sync-on-commit', '--log-file-max', '32MB'],
          };
    }
  }
}

function hasFiles(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/**
 * Starts a MongoDB-compatible server on loopback for local runs and tests (see `chooseEngine`),
 * installing it on first use. Production sets MONGODB_URI instead.
 */
export async function startLocalDatabase(options: LocalDatabaseOptions): Promise<LocalDatabase> {
  const log = options.log ?? (() => {});
  // Always one node: a direct connection keeps the driver on it through restarts. In replica-set
  // discovery mode a SecantusDB 0.7 that is shutting down answers `hello` without its set name,
  // the driver then drops the server from the topology for good, and the hub never reconnects.
  const uri = `mongodb://127.0.0.1:${options.port}/${options.dbName}?directConnection=true`;
  if (options.reuseRunning && (await answersPing(uri, 500))) {
    log(`a database already answers on port ${options.port}; using it`);
    return {
      uri,
      engine: 'already running',
      pid: undefined,
      kill: async () => {},
      stop: async () => {},
    };
  }

  const engine = options.engine ?? chooseEngine();
  const dataDir = path.resolve(options.dataDir);
  const dbPath = engineDataPath(engine, dataDir);
  if (
    engine === 'secantus' &&
    !existsSync(dbPath) &&
    hasFiles(engineDataPath('ferretdb', dataDir))
  ) {
    log(
      `${engineDataPath('ferretdb', dataDir)} holds data of an earlier FerretDB database, which ` +
        'SecantusDB does not read: set LOCAL_DB_ENGINE=ferretdb to keep using it',
    );
  }
  mkdirSync(dbPath, { recursive: true });
  const command = await ensureEngine(engine, options.toolsDir, log);
  const { args, env } = serverCommand(engine, options.port, dataDir, dbPath);

  const logFile = createWriteStream(path.join(dataDir, `${engine}.log`), { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let recentOutput = '';
  const keep = (chunk: Buffer) => {
    logFile.write(chunk);
    recentOutput = (recentOutput + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    child.once('error', (error) => {
      recentOutput += `\n${command}: ${error.message}`;
      resolve(null);
    });
  });
  await waitUntilReady(uri, child, exited, options.readyTimeoutMs ?? 30_000, () => recentOutput);
  log(`local ${engine} listening on 127.0.0.1:${options.port}, data in ${dbPath}`);
  if (engine !== 'mongod') {
    log(
      'the embedded database is meant for trials and small teams; in production set ' +
        'MONGODB_URI to a MongoDB 6+ server',
    );
  }

  let stopped = false;
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals) => {
    if (running()) child.kill(signal);
    await exited;
  };
  return {
    uri,
    engine,
    pid: child.pid,
    kill,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (running()) {
        // A clean stop lets the engine checkpoint; past the grace period it is killed and the
        // next start recovers from the engine's log.
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await kill('SIGTERM');
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
