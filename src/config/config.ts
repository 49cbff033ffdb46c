import { envSchema, type Env } from './env.schema';

export type ChannelName = 'telegramCustomer' | 'telegramManager' | 'vk' | 'viber';

export interface Config {
  env: Env;
  /** The database to use; `undefined` means "start the local one". */
  mongodbUri: string | undefined;
  /** Channels whose credentials are present, in a fixed order for the start-up log. */
  enabledChannels: ChannelName[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `FOO=` in a .env file means "not set", not "set to nothing". */
function withoutBlanks(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => !!entry[1]?.trim()),
  );
}

/**
 * A channel is on when its credentials are present. Half a channel (a VK token without a group id)
 * is a mistake worth stopping for, so it is reported by the variable that is missing.
 */
function channelProblems(env: Env): string[] {
  const problems: string[] = [];
  const requireWith = (owner: keyof Env, needed: (keyof Env)[], why: string) => {
    if (env[owner] === undefined) return;
    for (const name of needed) {
      if (env[name] === undefined) problems.push(`${name}: required when ${owner} is set (${why})`);
    }
  };
  requireWith(
    'VK_GROUP_TOKEN',
    ['VK_GROUP_ID', 'VK_CALLBACK_SECRET', 'VK_CONFIRMATION_CODE'],
    'VK',
  );
  const telegramOn =
    env.TELEGRAM_CUSTOMER_BOT_TOKEN ?? env.TELEGRAM_MANAGER_BOT_TOKEN ?? env.TELEGRAM_BOTS[0];
  if (telegramOn && env.TELEGRAM_MODE === 'webhook') {
    for (const name of ['PUBLIC_URL', 'TELEGRAM_WEBHOOK_SECRET'] as const) {
      if (env[name] === undefined) problems.push(`${name}: required when TELEGRAM_MODE=webhook`);
    }
  }
  if (env.VIBER_AUTH_TOKEN && !env.PUBLIC_URL) {
    problems.push('PUBLIC_URL: required when VIBER_AUTH_TOKEN is set (Viber calls the hub back)');
  }
  // A bot's updates go to one receiver: the same bot twice would steal its own messages.
  const botTokens = [
    env.TELEGRAM_CUSTOMER_BOT_TOKEN,
    env.TELEGRAM_MANAGER_BOT_TOKEN,
    ...env.TELEGRAM_BOTS.map((bot) => bot.credentials),
  ].filter((token) => token !== undefined);
  if (new Set(botTokens).size !== botTokens.length) {
    problems.push('TELEGRAM_BOTS: a bot token is used twice (each bot once, manager bot included)');
  }
  if (env.VIBER_ACCOUNTS.length > 0 && !env.PUBLIC_URL) {
    problems.push('PUBLIC_URL: required when VIBER_ACCOUNTS is set (Viber calls the hub back)');
  }
  return problems;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withoutBlanks(source));
  if (!parsed.success) {
    const raw = withoutBlanks(source);
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        // Echo the bad value to help, except where it could be a credential.
        const secret = /TOKEN|SECRET|URI|CODE|BOTS|GROUPS|ACCOUNTS/.test(name);
        const got = raw[name] === undefined || secret ? '' : ` (got ${JSON.stringify(raw[name])})`;
        return `${name}: ${issue.message}${got}`;
      }),
    );
  }
  const env = parsed.data;
  const problems = channelProblems(env);
  if (problems.length > 0) throw new ConfigError(problems);

  const enabledChannels: ChannelName[] = [];
  if (env.TELEGRAM_CUSTOMER_BOT_TOKEN || env.TELEGRAM_BOTS.length > 0) {
    enabledChannels.push('telegramCustomer');
  }
  if (env.TELEGRAM_MANAGER_BOT_TOKEN) enabledChannels.push('telegramManager');
  if (env.VK_GROUP_TOKEN || env.VK_GROUPS.length > 0) enabledChannels.push('vk');
  if (env.VIBER_AUTH_TOKEN || env.VIBER_ACCOUNTS.length > 0) enabledChannels.push('viber');
  return { env, mongodbUri: env.MONGODB_URI, enabledChannels };
}
