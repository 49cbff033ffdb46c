import { z } from 'zod';
import { LOCAL_DB_ENGINES } from '../infra/local-db/engines';
import { telegramBots, viberAccounts, vkGroups } from './accounts.schema';

/**
 * Every variable the hub reads, validated once at start-up. Names are a contract with deployments
 * and outside checks: keep them stable and document each one in `.env.example` and the README.
 */
const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a port number' })
    .int('expected a whole number')
    .min(0, 'expected a port from 0 to 65535')
    .max(65535, 'expected a port from 0 to 65535')
    .default(fallback);

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
/** Base URLs are joined with paths, so a trailing slash would double up. */
const baseUrl = (fallback: string) =>
  httpUrl.transform((value) => value.replace(/\/+$/, '')).default(fallback);

const secret = z.string().min(1);

/** A duration in milliseconds within sane bounds (a typo of 10 for 10000 is refused). */
const millis = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'expected milliseconds' })
    .int('expected a whole number of milliseconds')
    .min(min, `expected at least ${min} ms`)
    .max(max, `expected at most ${max} ms`)
    .default(fallback);

const telegramIds = z
  .string()
  .transform((value, ctx) => {
    const parts = value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const ids = parts.map(Number);
    if (ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) {
      ctx.addIssue({ code: 'custom', message: 'expected comma-separated Telegram user ids' });
      return z.NEVER;
    }
    return ids;
  })
  .default([]);

/** `site=key1,calltracking=key2`: one key per integration, so one can be revoked alone. */
const integrationKeys = z
  .string()
  .transform((value, ctx) => {
    const pairs = value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => part.split('='));
    if (pairs.some((pair) => pair.length !== 2 || !pair[0] || (pair[1]?.length ?? 0) < 8)) {
      ctx.addIssue({ code: 'custom', message: 'expected name=key pairs, keys of 8+ characters' });
      return z.NEVER;
    }
    return new Map(pairs as [string, string][]);
  })
  .default(new Map());

const timeZone = z
  .string()
  .refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { error: 'expected an IANA time zone such as Europe/Moscow' },
  )
  .default('Europe/Moscow');

export const envSchema = z.object({
  PORT: port(3000),
  PUBLIC_URL: httpUrl.transform((value) => value.replace(/\/+$/, '')).optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI')
    .optional(),
  LOCAL_DB_PORT: port(27117),
  LOCAL_DB_DIR: z.string().min(1).default('data'),
  /** Unset: a `mongod` on PATH when there is one, else `secantus` (see local-db/engines.ts). */
  LOCAL_DB_ENGINE: z.enum(LOCAL_DB_ENGINES).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_LOCALE: z.enum(['ru', 'en']).default('ru'),
  COMPANY_TIMEZONE: timeZone,
  /** When the daily digest goes to the heads' chat (company time zone), or `off`. */
  DIGEST_TIME: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'expected HH:MM (24-hour) or off')
    .default('09:00'),
  ADMIN_TELEGRAM_IDS: telegramIds,
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'expected a size such as 512kb or 1mb')
    .default('1mb'),
  /** Telegram lets bots download files up to 20 MB, hence the default. */
  IMPORT_MAX_BYTES: z.coerce
    .number({ error: 'expected a number of bytes' })
    .int('expected a whole number of bytes')
    .min(1024, 'expected at least 1024 bytes')
    .default(20 * 1024 * 1024),
  PROCESS_DEFINITION: z.string().min(1).default('config/process/default.yaml'),
  API_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  TELEGRAM_MODE: z.enum(['webhook', 'polling']).default('polling'),
  TELEGRAM_API_ROOT: baseUrl('https://api.telegram.org'),
  TELEGRAM_CUSTOMER_BOT_TOKEN: secret.optional(),
  /** More customer bots beside the default one (accounts.schema.ts). */
  TELEGRAM_BOTS: telegramBots,
  TELEGRAM_MANAGER_BOT_TOKEN: secret.optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'expected 1-256 characters A-Z, a-z, 0-9, _ or -')
    .optional(),
  VK_API_BASE_URL: baseUrl('https://api.vk.com/method'),
  VK_GROUP_ID: z.coerce.number({ error: 'expected a number' }).int().positive().optional(),
  VK_GROUP_TOKEN: secret.optional(),
  VK_CALLBACK_SECRET: secret.optional(),
  VK_CONFIRMATION_CODE: secret.optional(),
  VK_GROUPS: vkGroups,
  VIBER_API_BASE_URL: baseUrl('https://chatapi.viber.com/pa'),
  VIBER_AUTH_TOKEN: secret.optional(),
  VIBER_ACCOUNTS: viberAccounts,
  VIBER_BOT_NAME: z.string().min(1).max(28).default('linehub'),
  HUB_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  WIDGET_SITE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 characters A-Z, a-z, 0-9, _ or -')
    .default('demo'),
  WIDGET_PRECHAT_FIELDS: z
    .string()
    .regex(/^(name|phone|email)(,(name|phone|email))*$/, 'expected a list of name, phone, email')
    .transform((value) => value.split(',') as ('name' | 'phone' | 'email')[])
    .default(['name', 'phone']),
  INTEGRATION_KEYS: integrationKeys,
  /**
   * Customer webhooks answer 503 after this (the messenger redelivers; the inbox dedupes). Not
   * shorter by default: under a burst the embedded engine can take seconds for the inbox's write,
   * and a 503 then only brings the same delivery back on top of the load.
   */
  WEBHOOK_DEADLINE_MS: millis(5000, 50, 30_000),
  /** The manager webhook answers by then: Telegram and grammY give up on it at 10 s. */
  MANAGER_WEBHOOK_DEADLINE_MS: millis(8000, 50, 9000),
  DB_SERVER_SELECTION_TIMEOUT_MS: millis(2000, 100, 60_000),
  DB_SOCKET_TIMEOUT_MS: millis(120_000, 1000, 600_000),
  METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  /** Where the sandbox (`npm run sandbox`) listens: loopback unless you mean to share it. */
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: 'expected a number' })
    .int()
    .min(1, 'expected at least 1')
    .default(120),
});

export type Env = z.infer<typeof envSchema>;
