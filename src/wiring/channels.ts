import type { UserFromGetMe } from 'grammy/types';
import type { ChannelAdapter } from '../../channels/contract';
import { createTelegramChannel } from '../../channels/telegram/telegram.channel';
import { createViberChannel } from '../../channels/viber/viber.channel';
import { createVkChannel } from '../../channels/vk/vk.channel';
import type { Config } from '../config/config';
import type { Translator } from '../infra/i18n';
import type { Logger } from '../infra/logger';

/**
 * The customer channels whose credentials are set, built from configuration. The one place that
 * names them: everything downstream goes through the adapter contract.
 */
export function createConfiguredChannels(deps: {
  config: Config;
  translator: Translator;
  logger: Logger;
  customerBotInfo?: UserFromGetMe;
}): ChannelAdapter[] {
  const { env } = deps.config;
  const onError = (channel: string) => (error: unknown) =>
    deps.logger.error({ err: error, channel }, 'channel error');
  const adapters: ChannelAdapter[] = [];

  if (env.TELEGRAM_CUSTOMER_BOT_TOKEN) {
    adapters.push(
      createTelegramChannel({
        token: env.TELEGRAM_CUSTOMER_BOT_TOKEN,
        apiRoot: env.TELEGRAM_API_ROOT,
        mode: env.TELEGRAM_MODE,
        ...(env.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: env.TELEGRAM_WEBHOOK_SECRET } : {}),
        ...(env.PUBLIC_URL ? { webhookUrl: `${env.PUBLIC_URL}/webhooks/telegram/customer` } : {}),
        ...(deps.customerBotInfo ? { botInfo: deps.customerBotInfo } : {}),
        onError: onError('telegram'),
      }),
    );
  }
  if (env.VK_GROUP_TOKEN) {
    adapters.push(
      createVkChannel({
        groupId: env.VK_GROUP_ID!,
        token: env.VK_GROUP_TOKEN,
        secret: env.VK_CALLBACK_SECRET!,
        confirmationCode: env.VK_CONFIRMATION_CODE!,
        apiBaseUrl: env.VK_API_BASE_URL,
      }),
    );
  }
  if (env.VIBER_AUTH_TOKEN) {
    adapters.push(
      createViberChannel({
        authToken: env.VIBER_AUTH_TOKEN,
        apiBaseUrl: env.VIBER_API_BASE_URL,
        botName: env.VIBER_BOT_NAME,
        // Config refuses a Viber token without PUBLIC_URL: Viber must be able to call back.
        webhookUrl: `${env.PUBLIC_URL!}/webhooks/viber`,
        greeting: deps.translator.forLocale(env.DEFAULT_LOCALE)('channels.greeting'),
        onError: onError('viber'),
      }),
    );
  }
  return adapters;
}
