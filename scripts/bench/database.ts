/**
 * The database the hub runs on: `MONGODB_URI` when set, else the project's embedded engine
 * (`startLocalDatabase`, whatever it defaults to, `LOCAL_DB_ENGINE` honoured; a fresh server for
 * each run). Each scenario gets a fresh database of its own name, seeded directly with the driver
 * before the hub starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { startLocalDatabase } from '../../src/infra/local-db/local-db';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { freePort } from './hub-process';

export const DISPATCHER_TELEGRAM_ID = 4242;

/** One scenario's own database (a name of its own, nothing in it but what the scenario put). */
export interface ScenarioDatabase {
  name: string;
  uri: string;
  db: Db;
  close(): Promise<void>;
}

export interface BenchDatabase {
  /** What runs it: the local engine's name, or "MONGODB_URI". */
  engine: string;
  /** The server's own account of itself (buildInfo), when it gives one. */
  version: string;
  /** A fresh database (a new name) for one scenario. */
  open(label: string): Promise<ScenarioDatabase>;
  /**
   * The embedded engine: a fresh server in a fresh folder, for the next run. Its databases are
   * never dropped one by one (dropping 100k documents takes longer than the scenario); the folder
   * goes when the server does. On MONGODB_URI nothing happens: each database was dropped.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Signals the embedded server to stop without waiting (the bench is exiting now). */
  abort(): void;
}

/** The same URI pointing at another database (credentials keep authenticating where they did). */
export function withDatabaseName(uri: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!match) throw new Error(`not a mongodb URI: ${uri}`);
  const [, base, database, query] = match;
  const params = new URLSearchParams(query ?? '');
  if (base!.includes('@') && !params.has('authSource')) {
    params.set('authSource', database || 'admin');
  }
  const search = params.toString();
  return `${base}/${name}${search ? `?${search}` : ''}`;
}

async function serverVersion(client: MongoClient): Promise<string> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  const ferret = (info as { ferretdbVersion?: string }).ferretdbVersion;
  return [info.version, ferret && `ferretdb ${ferret}`].filter(Boolean).join(', ') || 'unknown';
}

const bounded = <T>(work: Promise<T>, ms: number) =>
  Promise.race([work, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);

interface Server {
  uri: string;
  engine: string;
  client: MongoClient;
  stop(): Promise<void>;
  abort(): void;
}

async function startEmbedded(log: (line: string) => void): Promise<Server> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linehub-bench-db-'));
  let server: Awaited<ReturnType<typeof startLocalDatabase>> | undefined;
  let client: MongoClient | undefined;
  const stop = async () => {
    await client?.close().catch(() => {});
    await server?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    server = await startLocalDatabase({
      dataDir,
      port: await freePort(),
      toolsDir: path.join(PROJECT_ROOT, '.tools'),
      dbName: 'bench',
      log,
    });
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    const local = server;
    // LocalDatabase.stop sends SIGTERM before its first await.
    const abort = () => void local.stop().catch(() => {});
    return { uri: server.uri, engine: String(server.engine), client, stop, abort };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function startBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const external = process.env.MONGODB_URI?.trim();
  const stamp = Date.now().toString(36);
  let sequence = 0;
  const newName = (label: string) => `lhb_${stamp}_${++sequence}_${label}`.slice(0, 60);

  let server: Server;
  if (external) {
    const client = new MongoClient(external, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    server = {
      uri: external,
      engine: 'MONGODB_URI',
      client,
      stop: () => client.close(),
      abort: () => {},
    };
  } else {
    server = await startEmbedded(log);
  }
  const version = await serverVersion(server.client).catch(() => 'unknown');

  return {
    engine: server.engine,
    version,
    async open(label) {
      const name = newName(label);
      const db = server.client.db(name);
      return {
        name,
        uri: withDatabaseName(server.uri, name),
        db,
        close: async () => {
          if (external)
            await bounded(
              db.dropDatabase().catch(() => {}),
              60_000,
            );
        },
      };
    },
    async restart() {
      if (external) return;
      await server.stop();
      server = await startEmbedded(() => {});
    },
    stop: () => server.stop().catch(() => {}),
    abort: () => server.abort(),
  };
}

/**
 * One department and its dispatcher, online, in the shapes mongoose would store (defaults,
 * timestamps, `__v`): every new lead's first task goes to them, so every message makes a card.
 */
export async function seedDispatcher(db: Db): Promise<void> {
  const now = new Date();
  const departmentId = new ObjectId();
  await db.collection('departments').insertOne({
    _id: departmentId,
    code: 'sales',
    name: 'Sales',
    createdAt: now,
    updatedAt: now,
    __v: 0,
  });
  await db
    .collection('users')
    .insertOne(dispatcherDoc(DISPATCHER_TELEGRAM_ID, 'Dispatcher', departmentId, now));
}

/** A dispatcher, online, as mongoose would store one. */
export function dispatcherDoc(
  telegramId: number,
  name: string,
  departmentId: ObjectId | undefined,
  now: Date,
) {
  return {
    telegramId,
    name,
    roles: ['dispatcher'],
    departmentId,
    language: 'ru',
    online: true,
    active: true,
    createdAt: now,
    updatedAt: now,
    __v: 0,
  };
}

/** The raw driver's insertOne rate on this server: the ceiling the hub's ingest is held to. */
export async function rawInsertRate(
  db: Db,
  options: { seconds: number; concurrency: number },
): Promise<{ perSecond: number; inserted: number; seconds: number }> {
  const collection = db.collection('bench_raw');
  let inserted = 0;
  const started = performance.now();
  const until = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      while (performance.now() < until) {
        await collection.insertOne({
          worker,
          i: inserted,
          text: 'Добрый день! Нужен счёт на 20 позиций',
          at: new Date(),
        });
        inserted++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: inserted / seconds, inserted, seconds };
}
