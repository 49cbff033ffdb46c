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

const VIBER_WEBHOOK_PATH = '/webhooks/viber';

export interface ViberWebhookOptions {
  authToken: string;
  senderName: string;
  greeting?: string;
  /** The sink given to start(); undefined before start and after stop. */
  sink(): InboundSink | undefined;
}

export function createViberWebhook(options: ViberWebhookOptions): WebhookEndpoint {
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
          return welcome(options);
        case 'ignored':
          return { status: 200 };
        case 'message': {
          const sink = options.sink();
          // Not yet started (or stopping): a non-200 makes Viber redeliver instead of losing it.
          if (!sink) return { status: 503, body: 'not receiving yet' };
          await sink(toInboundMessage(callback.event));
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
