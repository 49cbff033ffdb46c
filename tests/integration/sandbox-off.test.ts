import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { eventually, testDatabaseUri } from '../support/database';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';
import { freePort } from '../support/ports';

/**
 * A production hub (any channel credential set) has no sandbox in it: no `/sandbox` page, script,
 * files or socket, and its bots talk to the configured Bot API, not to a stand-in of its own.
 */
describe('a hub with real-looking credentials', () => {
  let telegram: FakeTelegramApi;
  beforeAll(async () => {
    telegram = await startFakeTelegramApi();
  });
  afterAll(() => telegram.close());

  it('serves no sandbox and starts no stand-in', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) {
      if (/^(TELEGRAM_|VK_|VIBER_|SANDBOX_)/.test(key)) delete env[key];
    }
    Object.assign(env, {
      PORT: String(port),
      MONGODB_URI: testDatabaseUri(),
      LOG_LEVEL: 'info',
      PUBLIC_URL: 'https://crm.example.com',
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: 'prod-webhook-secret',
      TELEGRAM_MANAGER_BOT_TOKEN: '7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      TELEGRAM_API_ROOT: telegram.url,
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const url = `http://127.0.0.1:${port}`;
    try {
      await eventually(async () => (await fetch(`${url}/health`)).status === 200);
      // The webhook is registered with the configured Bot API: the bots talk to it.
      await eventually(async () => telegram.calls().some((call) => call.method === 'setWebhook'));

      for (const path of [
        '/sandbox',
        '/sandbox?lang=en',
        '/sandbox/app.js',
        '/sandbox/files/x',
        '/sandbox/socket.io/?EIO=4&transport=polling',
      ]) {
        expect([path, (await fetch(`${url}${path}`)).status]).toEqual([path, 404]);
      }
      expect(output).toMatch(/channels on: telegramManager/);
      // (The log's own sandbox lines; paths on this machine may say "sandbox" too.)
      expect(output).not.toMatch(/starting the sandbox|sandbox: /);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
