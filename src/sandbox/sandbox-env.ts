import { randomBytes } from 'node:crypto';
import { DEMO_STAFF } from './demo-people';
import type { StandIns } from './stand-ins/stand-in-server';

/**
 * The sandbox's made-up credentials, fresh for each run. They open nothing but the stand-ins on
 * loopback, which accept exactly these; no real messenger ever sees them.
 */
export interface SandboxCredentials {
  managerToken: string;
  customerToken: string;
  vkToken: string;
  vkGroupId: number;
  vkSecret: string;
  viberToken: string;
}

export function sandboxCredentials(): SandboxCredentials {
  const random = () => randomBytes(12).toString('hex');
  return {
    managerToken: `7001:${random()}`,
    customerToken: `7002:${random()}`,
    vkToken: random(),
    vkGroupId: 700300,
    vkSecret: random(),
    viberToken: random(),
  };
}

/**
 * The hub's environment in sandbox mode: the user's own settings, with every channel switched on
 * against the stand-ins. The embedded database keeps its data apart from a real local run's
 * (`<LOCAL_DB_DIR>/sandbox`, its own port) unless the user points the sandbox somewhere else.
 */
export function sandboxEnv(
  source: NodeJS.ProcessEnv,
  credentials: SandboxCredentials,
  standIns: StandIns['urls'],
  port: number,
): NodeJS.ProcessEnv {
  const admin = DEMO_STAFF.find((person) => person.role === 'admin')!;
  return {
    ...source,
    PORT: String(port),
    // Widget sessions and file links of a sandbox need not outlive it: no warning about it.
    HUB_SECRET: source.HUB_SECRET ?? randomBytes(24).toString('base64url'),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOCAL_DB_DIR: `${source.LOCAL_DB_DIR ?? 'data'}/sandbox`,
    LOCAL_DB_PORT: source.LOCAL_DB_PORT ?? '27118',
    TELEGRAM_MODE: 'polling',
    TELEGRAM_API_ROOT: standIns.telegram,
    TELEGRAM_MANAGER_BOT_TOKEN: credentials.managerToken,
    TELEGRAM_CUSTOMER_BOT_TOKEN: credentials.customerToken,
    TELEGRAM_WEBHOOK_SECRET: undefined,
    ADMIN_TELEGRAM_IDS: String(admin.telegramId),
    VK_API_BASE_URL: standIns.vk,
    VK_GROUP_ID: String(credentials.vkGroupId),
    VK_GROUP_TOKEN: credentials.vkToken,
    VK_CALLBACK_SECRET: credentials.vkSecret,
    VK_CONFIRMATION_CODE: 'sandbox',
    VIBER_API_BASE_URL: standIns.viber,
    VIBER_AUTH_TOKEN: credentials.viberToken,
  };
}
