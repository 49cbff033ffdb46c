import type { UserFromGetMe } from 'grammy/types';
import { accountPath, multiAccount, type ChannelAccount } from '../../channels/accounts';
import type { ChannelAdapter } from '../../channels/contract';
import {
  createTelegramChannel,
  TELEGRAM_WEBHOOK_PATH,
} from '../../channels/telegram/telegram.channel';
import { createViberChannel, VIBER_WEBHOOK_PATH } from '../../channels/viber/viber.channel';
import { createVkChannel } from '../../channels/vk/vk.channel';
import type { ChannelsById } from '../app/messaging/customer-channels';
import type { Config } from '../config/config';
import { CHANNELS } from '../domain/channel';
import type { Translator } from '../infra/i18n';
import type { Logger } from '../infra/logger';

/** Every customer channel's adapter by id; `undefined` where its account is not configured. */
export type ChannelAdapters = ChannelsById<ChannelAdapter>;

/**
 * The customer channels that come from configuration, each built only when its credentials are
 * set. The one place that names them: everything downstream goes through the adapter contract.
 * A channel's single variables configure its default account, its list (TELEGRAM_BOTS,
 * VK_GROUPS, VIBER_ACCOUNTS) the named ones; all accounts of a channel are one adapter, each
 * webhook at its own path. The widget is always on; the hub adds it (wiring/widget.ts).
 */
export function createConfiguredChannels(deps: {
  config: Config;
  translator: Translator;
  logger: Logger;
  customerBotInfo?: UserFromGetMe;
}): Omit<ChannelAdapters, 'widget'> {
  const { env } = deps.config;
  const onError = (channel: string, account?: string) => (error: unknown) =>
    deps.logger.error({ err: error, channel, ...(account ? { account } : {}) }, 'channel error');

  const telegram = (token: string, account?: string): ChannelAccount => ({
    ...(account ? { account } : {}),
    adapter: createTelegramChannel({
      token,
      apiRoot: env.TELEGRAM_API_ROOT,
      mode: env.TELEGRAM_MODE,
      ...(env.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: env.TELEGRAM_WEBHOOK_SECRET } : {}),
      ...(env.PUBLIC_URL
        ? { webhookUrl: `${env.PUBLIC_URL}${accountPath(TELEGRAM_WEBHOOK_PATH, account)}` }
        : {}),
      // Known for the default bot only (tests); another bot asks Telegram who it is.
      ...(deps.customerBotInfo && !account ? { botInfo: deps.customerBotInfo } : {}),
      onError: onError('telegram', account),
    }),
  });
  const vk = (
    group: { groupId: number; token: string; secret: string; confirmationCode: string },
    account?: string,
  ): ChannelAccount => ({
    ...(account ? { account } : {}),
    adapter: createVkChannel({ ...group, apiBaseUrl: env.VK_API_BASE_URL }),
  });
  const viber = (authToken: string, account?: string): ChannelAccount => ({
    ...(account ? { account } : {}),
    adapter: createViberChannel({
      authToken,
      apiBaseUrl: env.VIBER_API_BASE_URL,
      botName: env.VIBER_BOT_NAME,
      // Config refuses a Viber token without PUBLIC_URL: Viber must be able to call back.
      webhookUrl: `${env.PUBLIC_URL!}${accountPath(VIBER_WEBHOOK_PATH, account)}`,
      greeting: deps.translator.forLocale(env.DEFAULT_LOCALE)('channels.greeting'),
      onError: onError('viber', account),
    }),
  });

  const joined = (accounts: ChannelAccount[]) =>
    accounts.length > 0 ? multiAccount(accounts) : undefined;
  return {
    telegram: joined([
      ...(env.TELEGRAM_CUSTOMER_BOT_TOKEN ? [telegram(env.TELEGRAM_CUSTOMER_BOT_TOKEN)] : []),
      ...env.TELEGRAM_BOTS.map(({ account, credentials }) => telegram(credentials, account)),
    ]),
    vk: joined([
      // Config refuses a VK token without the group id, secret and confirmation code.
      ...(env.VK_GROUP_TOKEN
        ? [
            vk({
              groupId: env.VK_GROUP_ID!,
              token: env.VK_GROUP_TOKEN,
              secret: env.VK_CALLBACK_SECRET!,
              confirmationCode: env.VK_CONFIRMATION_CODE!,
            }),
          ]
        : []),
      ...env.VK_GROUPS.map(({ account, credentials }) => vk(credentials, account)),
    ]),
    viber: joined([
      ...(env.VIBER_AUTH_TOKEN ? [viber(env.VIBER_AUTH_TOKEN)] : []),
      ...env.VIBER_ACCOUNTS.map(({ account, credentials }) => viber(credentials, account)),
    ]),
  };
}

/** The configured adapters, in the order of CHANNELS (webhook routes are mounted in it). */
export function configuredAdapters(adapters: ChannelAdapters): ChannelAdapter[] {
  return CHANNELS.flatMap((id) => adapters[id] ?? []);
}
