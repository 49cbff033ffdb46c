import { ConfigError, loadConfig } from '../../src/config/config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('names the variable and the bad value when PORT is not a number', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual([expect.stringMatching(/^PORT: .*"abc"/)]);
  });

  it('starts with defaults and every channel off when nothing is set', () => {
    const config = loadConfig({});
    expect(config.env.PORT).toBe(3000);
    expect(config.env.DEFAULT_LOCALE).toBe('ru');
    expect(config.env.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(config.mongodbUri).toBeUndefined();
    expect(config.enabledChannels).toEqual([]);
  });

  it('turns on exactly the channels whose credentials are present', () => {
    const config = loadConfig({
      TELEGRAM_MANAGER_BOT_TOKEN: '123:abc',
      VIBER_AUTH_TOKEN: 'viber-token',
      PUBLIC_URL: 'https://crm.example.ru/',
    });
    expect(config.enabledChannels).toEqual(['telegramManager', 'viber']);
    expect(config.env.PUBLIC_URL).toBe('https://crm.example.ru');
  });

  it('treats an empty variable as unset, as .env files write it', () => {
    expect(loadConfig({ VK_GROUP_TOKEN: '', PORT: ' ' }).enabledChannels).toEqual([]);
  });

  it('names every variable a half-configured channel is missing', () => {
    expect(problemsOf({ VK_GROUP_TOKEN: 'token', VK_GROUP_ID: '77' })).toEqual([
      expect.stringMatching(/^VK_CALLBACK_SECRET: /),
      expect.stringMatching(/^VK_CONFIRMATION_CODE: /),
    ]);
  });

  it('requires a public URL and a secret for Telegram webhooks', () => {
    const problems = problemsOf({ TELEGRAM_CUSTOMER_BOT_TOKEN: '1:x', TELEGRAM_MODE: 'webhook' });
    expect(problems).toEqual([
      expect.stringMatching(/^PUBLIC_URL: /),
      expect.stringMatching(/^TELEGRAM_WEBHOOK_SECRET: /),
    ]);
  });

  it('reports several bad variables at once', () => {
    const problems = problemsOf({
      COMPANY_TIMEZONE: 'Mars/Olympus',
      ADMIN_TELEGRAM_IDS: '12, x',
      MONGODB_URI: 'postgres://localhost',
      TELEGRAM_MODE: 'carrier-pigeon',
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'ADMIN_TELEGRAM_IDS',
      'COMPANY_TIMEZONE',
      'MONGODB_URI',
      'TELEGRAM_MODE',
    ]);
  });

  it('reads admin ids and strips trailing slashes from API roots', () => {
    const config = loadConfig({
      ADMIN_TELEGRAM_IDS: '101, 202',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9000/',
    });
    expect(config.env.ADMIN_TELEGRAM_IDS).toEqual([101, 202]);
    expect(config.env.TELEGRAM_API_ROOT).toBe('http://127.0.0.1:9000');
  });
});
