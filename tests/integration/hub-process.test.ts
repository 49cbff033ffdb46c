import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answersPing } from '../../src/infra/local-db/local-db';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { eventually } from '../support/database';
import { freePort } from '../support/ports';

/** Runs `src/main.ts` as its own process, the way `npm start` runs the built hub. */
function runHub(env: NodeJS.ProcessEnv) {
  // The child picks its database from `env` only, never from the test runner's environment.
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.MONGODB_URI;
  Object.assign(childEnv, { LOG_LEVEL: 'info' }, env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, output: () => output };
}

describe('the hub process', () => {
  it('refuses to start with an invalid variable and names it', async () => {
    const hub = runHub({ PORT: 'abc' });
    expect(await hub.exited).not.toBe(0);
    expect(hub.output()).toMatch(/PORT: .*"abc"/);
  });

  it('refuses to start with a broken process definition and says where', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linehub-def-'));
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(
      file,
      readFileSync(path.join(PROJECT_ROOT, 'config/process/default.yaml'), 'utf8').replace(
        'onDone: { moveTo: prepayment }',
        'onDone: { moveTo: payment }',
      ),
    );
    try {
      const hub = runHub({ PROCESS_DEFINITION: file, MONGODB_URI: 'mongodb://127.0.0.1:1/none' });
      expect(await hub.exited).toBe(2);
      expect(hub.output()).toMatch(
        /broken\.yaml: deals\[0\]\.stages\[0\]\.tasks\[1\]\.onDone\.moveTo: unknown stage "payment"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts its own database when MONGODB_URI is unset and stops it on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'linehub-hub-'));
    const [port, dbPort] = [await freePort(), await freePort()];
    const hub = runHub({
      PORT: String(port),
      LOCAL_DB_PORT: String(dbPort),
      LOCAL_DB_DIR: dataDir,
    });
    try {
      const health = await eventually(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        return response.status === 200 && response.json();
      });
      expect(health).toEqual({ status: 'ok', database: 'up' });
      // Without a single channel credential the hub starts as the sandbox, and says so.
      expect(hub.output()).toMatch(/no channel credentials set: starting the sandbox/);
      await eventually(async () =>
        /sandbox: open http:\/\/127\.0\.0\.1:\d+\/sandbox/.test(hub.output()),
      );
      expect((await fetch(`http://127.0.0.1:${port}/sandbox`)).status).toBe(200);

      hub.child.kill('SIGTERM');
      expect(await hub.exited).toBe(0);
      expect(await answersPing(`mongodb://127.0.0.1:${dbPort}`, 300)).toBe(false);
    } finally {
      hub.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
