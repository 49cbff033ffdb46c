import type { UserFromGetMe } from 'grammy/types';
import type { ChannelAdapter } from '../../channels/contract';
import { createTelegramChannel } from '../../channels/telegram/telegram.channel';
import { createViberChannel } from '../../channels/viber/viber.channel';
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
 * The widget is always on; the hub adds it (wiring/widget.ts).
 */
export function createConfiguredChannels(deps: {
  config: Config;
  translator: Translator;
  logger: Logger;
  customerBotInfo?: UserFromGetMe;
}): Omit<ChannelAdapters, 'widget'> {
  const { env } = deps.config;
  const onError = (channel: string) => (error: unknown) =>
    deps.logger.error({ err: error, channel }, 'channel error');
  return {
    telegram: env.TELEGRAM_CUSTOMER_BOT_TOKEN
      ? createTelegramChannel({
          token: env.TELEGRAM_CUSTOMER_BOT_TOKEN,
          apiRoot: env.TELEGRAM_API_ROOT,
          mode: env.TELEGRAM_MODE,
          ...(env.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: env.TELEGRAM_WEBHOOK_SECRET } : {}),
          ...(env.PUBLIC_URL ? { webhookUrl: `${env.PUBLIC_URL}/webhooks/telegram/customer` } : {}),
          ...(deps.customerBotInfo ? { botInfo: deps.customerBotInfo } : {}),
          onError: onError('telegram'),
        })
      : undefined,
    vk: env.VK_GROUP_TOKEN
      ? createVkChannel({
          groupId: env.VK_GROUP_ID!,
          token: env.VK_GROUP_TOKEN,
          secret: env.VK_CALLBACK_SECRET!,
          confirmationCode: env.VK_CONFIRMATION_CODE!,
          apiBaseUrl: env.VK_API_BASE_URL,
        })
      : undefined,
    viber: env.VIBER_AUTH_TOKEN
      ? createViberChannel({
          authToken: env.VIBER_AUTH_TOKEN,
          apiBaseUrl: env.VIBER_API_BASE_URL,
          botName: env.VIBER_BOT_NAME,
          // Config refuses a Viber token without PUBLIC_URL: Viber must be able to call back.
          webhookUrl: `${env.PUBLIC_URL!}/webhooks/viber`,
          greeting: deps.translator.forLocale(env.DEFAULT_LOCALE)('channels.greeting'),
          onError: onError('viber'),
        })
      : undefined,
  };
}

/** The configured adapters, in the order of CHANNELS (webhook routes are mounted in it). */
export function configuredAdapters(adapters: ChannelAdapters): ChannelAdapter[] {
  return CHANNELS.flatMap((id) => adapters[id] ?? []);
}
