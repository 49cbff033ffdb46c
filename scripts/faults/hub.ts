/**
 * The hub as its own process for the fault runs: the bench's launcher (`scripts/bench/hub-process`)
 * generalised to every channel on (VK, Viber, the widget, forms and calls, the records API), to a
 * fixed port that survives a restart (the fakes and the tool keep calling the same address), and
 * to being SIGKILLed from outside. An exit the tool did not cause is counted as a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { freePort, inheritedEnv, killGroup } from '../bench/hub-process';
import { sleep } from '../bench/stats';
import { WEBHOOK_SECRET } from '../bench/webhook-client';

export const VK_GROUP_ID = 555;
export const VK_SECRET = 'faults-vk-secret';
export const VIBER_TOKEN = 'faults-viber-token';
export const FORM_KEY = 'faults-form-key';
export const API_TOKEN = 'faults-api-token-0123456789';
export const WIDGET_KEY = 'demo';
export const ADMIN_ID = 4343;

export interface FaultHub {
  port: number;
  url: string;
  /** Exits the tool did not ask for, with how each ended. */
  crashes: string[];
  /** The last lines the hub printed (warn and above). */
  output(): string;
  running(): boolean;
  /** SIGKILL, as a power cut would; not a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
/** Hubs the tool itself is ending: their exit is not a crash. */
const ending = new WeakSet<ChildProcess>();

export function killAllHubProcesses(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

export async function startFaultHub(options: {
  mongodbUri: string;
  fakeUrl: string;
  startTimeoutMs?: number;
  /** Every line the hub prints is appended here too (the tail below keeps only the last few). */
  logFile?: string;
}): Promise<FaultHub> {
  const port = await freePort();
  const env = inheritedEnv();
  Object.assign(env, {
    PORT: String(port),
    MONGODB_URI: options.mongodbUri,
    PUBLIC_URL: 'http://127.0.0.1:9',
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: options.fakeUrl,
    TELEGRAM_CUSTOMER_BOT_TOKEN: '1:customer',
    TELEGRAM_MANAGER_BOT_TOKEN: '2:manager',
    ADMIN_TELEGRAM_IDS: String(ADMIN_ID),
    VK_API_BASE_URL: `${options.fakeUrl}/vk`,
    VK_GROUP_ID: String(VK_GROUP_ID),
    VK_GROUP_TOKEN: 'faults-vk-token',
    VK_CALLBACK_SECRET: VK_SECRET,
    VK_CONFIRMATION_CODE: 'faults-ok',
    VIBER_API_BASE_URL: `${options.fakeUrl}/viber`,
    VIBER_AUTH_TOKEN: VIBER_TOKEN,
    WIDGET_SITE_KEY: WIDGET_KEY,
    INTEGRATION_KEYS: `site=${FORM_KEY}`,
    API_TOKEN,
    HUB_SECRET: 'faults-hub-secret-0123456789',
    // FAULTS_LOG_LEVEL=info shows skipped redeliveries and the like when chasing a defect.
    LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
  });

  const url = `http://127.0.0.1:${port}`;
  const crashes: string[] = [];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let tail = '';
  const isRunning = () => !!child && child.exitCode === null && child.signalCode === null;

  const spawnHub = async () => {
    const started = performance.now();
    const current = spawn(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], {
      cwd: PROJECT_ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = current;
    live.add(current);
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-6000);
      if (options.logFile) appendFileSync(options.logFile, chunk);
    };
    current.stdout?.on('data', keep);
    current.stderr?.on('data', keep);
    exited = new Promise<void>((resolve) =>
      current.once('exit', (code, signal) => {
        live.delete(current);
        if (!ending.has(current)) crashes.push(`exited by itself (code ${code}, signal ${signal})`);
        resolve();
      }),
    );
    const deadline = started + (options.startTimeoutMs ?? 90_000);
    while (performance.now() < deadline) {
      if (!isRunning()) throw new Error(`the hub exited while starting:\n${tail}`);
      const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) return;
      await sleep(200);
    }
    throw new Error(`the hub did not answer /health within the start timeout:\n${tail}`);
  };

  const end = async (signal: NodeJS.Signals) => {
    const current = child;
    if (!current) return;
    ending.add(current);
    if (isRunning()) {
      killGroup(current, signal);
      await Promise.race([exited, sleep(signal === 'SIGKILL' ? 3000 : 5000)]);
    }
    killGroup(current, 'SIGKILL');
    live.delete(current);
  };

  const hub: FaultHub = {
    port,
    url,
    crashes,
    output: () => tail,
    running: isRunning,
    kill: () => end('SIGKILL'),
    start: spawnHub,
    stop: () => end('SIGTERM'),
  };
  try {
    await spawnHub();
  } catch (error) {
    await hub.stop();
    throw error;
  }
  return hub;
}
