import { ChannelSendError, type ChannelAdapter, type InboundSink, fetchUrl } from '../contract';
import { learnFileSize } from './file-size';
import { toViberParts } from './outbound';
import { createViberApi } from './viber-api';
import { createViberWebhook } from './webhook';
export { VIBER_WEBHOOK_PATH } from './webhook';

export interface ViberChannelOptions {
  authToken: string;
  /** `https://chatapi.viber.com/pa` in production; a loopback fake in tests. */
  apiBaseUrl: string;
  /** Shown as the sender of every message; Viber requires it on each call. */
  botName: string;
  /** When set, start() registers it with set_webhook; a failure goes to onError, not a throw. */
  webhookUrl?: string;
  /** Answered to conversation_started, which Viber shows as the welcome message. */
  greeting?: string;
  onError?: (error: unknown) => void;
}

const REQUEST_TIMEOUT_MS = 15_000;
/** Viber refuses longer sender names. */
const MAX_SENDER_NAME = 28;
const WEBHOOK_EVENTS = [
  'delivered',
  'seen',
  'failed',
  'subscribed',
  'unsubscribed',
  'conversation_started',
] as const;

export function createViberChannel(options: ViberChannelOptions): ChannelAdapter {
  const sender = { name: Array.from(options.botName).slice(0, MAX_SENDER_NAME).join('') };
  const api = createViberApi({
    authToken: options.authToken,
    apiBaseUrl: options.apiBaseUrl,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  let sink: InboundSink | undefined;

  return {
    id: 'viber',
    // Viber's media URLs are temporary: staff see the file when it is first shown to them.
    fetchFile: fetchUrl,
    webhook: createViberWebhook({
      authToken: options.authToken,
      senderName: sender.name,
      greeting: options.greeting,
      sink: () => sink,
    }),

    async start(received) {
      // Stored first: Viber checks the webhook with a callback while set_webhook is in flight.
      sink = received;
      if (!options.webhookUrl) return;
      try {
        await api.setWebhook(options.webhookUrl, WEBHOOK_EVENTS);
      } catch (error) {
        options.onError?.(error);
      }
    },

    async stop() {
      sink = undefined;
    },

    async send(chatId, message) {
      const [first, ...rest] = await toViberParts(message, (url) =>
        learnFileSize(url, REQUEST_TIMEOUT_MS),
      );
      if (!first) throw new ChannelSendError('nothing to send to Viber', false);
      const externalId = await api.sendMessage({ ...first, receiver: chatId, sender });
      for (const part of rest) await api.sendMessage({ ...part, receiver: chatId, sender });
      return { externalId };
    },
  };
}
