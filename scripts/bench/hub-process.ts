/**
 * The hub as its own process (`tsx src/main.ts`), configured by its environment only, in its own
 * process group so that stopping it also stops whatever tsx started. Every process started here is
 * remembered and killed on the bench's way out, however it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { collectGarbage, inspectorUrl, isInspectorLine } from './hub-inspector';
import { sleep } from './stats';
import { WEBHOOK_SECRET } from './webhook-client';

export interface HubProcess {
  port: number;
  url: string;
  /** Milliseconds from spawn to /health answering 200. */
  startMs: number;
  /** The last lines the hub printed (warnings and errors: LOG_LEVEL=warn). */
  output(): string;
  /** Lines the hub printed at level warn or above, counted. */
  warnings(): number;
  /** How the hub ended if it ended on its own (a crash), else undefined. */
  crashed(): string | undefined;
  /** A full GC in the hub (started with `inspect`), else undefined. */
  collectGarbage?(): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Signals a hub's whole process group (tsx and the node it started), or the hub alone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Kills every hub still running, at once (the bench is exiting). */
export function killAllHubs(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Variables from the bench's own environment that would switch on channels or change the hub
 * (and METRICS_TOKEN, which would lock the bench out of the hub's /metrics).
 */
const DROPPED_PREFIXES = ['TELEGRAM_', 'VK_', 'VIBER_', 'WIDGET_', 'LOCAL_DB_'];
const DROPPED = [
  'INTEGRATION_KEYS',
  'API_TOKEN',
  'ADMIN_TELEGRAM_IDS',
  'PUBLIC_URL',
  'PORT',
  'METRICS_TOKEN',
];

/** This process's environment without what would switch on channels or change the hub. */
export function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (DROPPED.includes(key) || DROPPED_PREFIXES.some((prefix) => key.startsWith(prefix)))
      continue;
    env[key] = value;
  }
  return env;
}

export async function startHubProcess(options: {
  mongodbUri: string;
  botApiUrl: string;
  startTimeoutMs: number;
  stopGraceMs: number;
  /** On top of the bench's own (a scenario's channel setting, such as the widget's site key). */
  env?: Record<string, string>;
  /** With its inspector on loopback, so the bench can ask it for a full GC. */
  inspect?: boolean;
}): Promise<HubProcess> {
  const port = await freePort();
  const env = inheritedEnv();
  Object.assign(env, {
    PORT: String(port),
    MONGODB_URI: options.mongodbUri,
    PUBLIC_URL: 'http://127.0.0.1:9',
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: options.botApiUrl,
    TELEGRAM_CUSTOMER_BOT_TOKEN: '1:customer',
    TELEGRAM_MANAGER_BOT_TOKEN: '2:manager',
    HUB_SECRET: 'bench-hub-secret-0123456789',
    LOG_LEVEL: 'warn',
    ...options.env,
  });

  const started = performance.now();
  // BENCH_HUB_PROFILE=<dir>: the hub writes a CPU profile there when it stops (--cpu-prof).
  const profile = process.env.BENCH_HUB_PROFILE;
  const flags = [
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    ...(options.inspect ? ['--inspect=127.0.0.1:0'] : []),
  ];
  const [command, args] = flags.length
    ? [process.execPath, [...flags, '--import', 'tsx', 'src/main.ts']]
    : [path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['src/main.ts']];
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let tail = '';
  let inspector: string | undefined;
  let warnings = 0;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    inspector ??= inspectorUrl(text);
    warnings += text.split('\n').filter((line) => line.trim() && !isInspectorLine(line)).length;
    tail = (tail + text).slice(-6000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let stopping = false;
  let crash: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) crash = `exited by itself (code ${code}, signal ${signal})`;
      resolve();
    }),
  );
  const isRunning = () => child.exitCode === null && child.signalCode === null;

  const stop = async () => {
    stopping = true;
    if (isRunning()) {
      killGroup(child, 'SIGTERM');
      const killed = await Promise.race([
        exited.then(() => true),
        sleep(options.stopGraceMs).then(() => false),
      ]);
      if (!killed) {
        killGroup(child, 'SIGKILL');
        await Promise.race([exited, sleep(2000)]);
      }
    }
    // Whatever tsx left behind in the group goes too.
    killGroup(child, 'SIGKILL');
    live.delete(child);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = started + options.startTimeoutMs;
  try {
    while (performance.now() < deadline) {
      if (!isRunning()) {
        throw new Error(`the hub exited while starting (code ${child.exitCode}):\n${tail}`);
      }
      const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) {
        return {
          port,
          url,
          startMs: performance.now() - started,
          output: () => tail,
          warnings: () => warnings,
          crashed: () => crash,
          ...(options.inspect
            ? {
                collectGarbage: () => {
                  if (!inspector)
                    throw new Error("the hub's inspector address is not in its output");
                  return collectGarbage(inspector);
                },
              }
            : {}),
          stop,
        };
      }
      await sleep(200);
    }
    throw new Error(`the hub did not answer /health within ${options.startTimeoutMs} ms:\n${tail}`);
  } catch (error) {
    await stop();
    throw error;
  }
}
