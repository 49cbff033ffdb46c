import {
  headerValue,
  type InboundSink,
  type WebhookEndpoint,
  type WebhookResponse,
} from '../contract';
import { toInboundMessage } from './normalize';
import { isViberSignatureValid } from './signature';
import { parseViberJson } from './viber-json';
import { parseViberCallback } from './viber-schema';

export const VIBER_WEBHOOK_PATH = '/webhooks/viber';

export interface ViberWebhookOptions {
  authToken: string;
  senderName: string;
  greeting?: string;
  /** The sink given to start(); undefined before start and after stop. */
  sink(): InboundSink | undefined;
}

/** Deep-link tags waiting for their user's first message; bounded, oldest dropped first. */
const MAX_PENDING_TAGS = 10_000;

export function createViberWebhook(options: ViberWebhookOptions): WebhookEndpoint {
  // Kept in memory: after a restart a tag not yet used is lost, the conversation is not.
  const tags = new Map<string, string>();
  return {
    path: VIBER_WEBHOOK_PATH,
    async handle(request) {
      const signature = headerValue(request, 'x-viber-content-signature');
      if (!isViberSignatureValid(request.rawBody, signature, options.authToken)) {
        return { status: 401, body: 'bad signature' };
      }
      const raw = parseViberJson(request.rawBody.toString('utf8'));
      if (raw === undefined) return { status: 400, body: 'malformed JSON' };

      const callback = parseViberCallback(raw);
      switch (callback.kind) {
        case 'invalid':
          return { status: 400, body: callback.reason };
        case 'conversation_started':
          if (callback.context) {
            if (tags.size >= MAX_PENDING_TAGS) tags.delete(tags.keys().next().value!);
            tags.set(callback.userId, callback.context);
          }
          return welcome(options);
        case 'ignored':
          return { status: 200 };
        case 'message': {
          const sink = options.sink();
          // Not yet started (or stopping): a non-200 makes Viber redeliver instead of losing it.
          if (!sink) return { status: 503, body: 'not receiving yet' };
          const message = toInboundMessage(callback.event);
          const tag = tags.get(message.senderId);
          await sink(tag ? { ...message, origin: { ...message.origin, tag } } : message);
          tags.delete(message.senderId);
          return { status: 200 };
        }
      }
    },
  };
}

/**
 * Viber lets a bot write first only through the answer to conversation_started, shown as the
 * welcome message. Nothing is stored: the event has no text, only a deep-link `context` at most.
 */
function welcome(options: ViberWebhookOptions): WebhookResponse {
  if (!options.greeting) return { status: 200 };
  return {
    status: 200,
    body: { sender: { name: options.senderName }, type: 'text', text: options.greeting },
  };
}
