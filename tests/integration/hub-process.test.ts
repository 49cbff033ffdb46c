import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answersPing } from '../../src/infra/local-db/local-db';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { eventually } from '../support/database';
import { freePort } from '../support/ports';

/** Runs `src/main.ts` as its own process, the way `npm start` runs the built hub. */
function runHub(env: NodeJS.ProcessEnv) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...env };
  delete childEnv.MONGODB_URI;
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
      expect(hub.output()).toMatch(/all channels off/);

      hub.child.kill('SIGTERM');
      expect(await hub.exited).toBe(0);
      expect(await answersPing(`mongodb://127.0.0.1:${dbPort}`, 300)).toBe(false);
    } finally {
      hub.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
