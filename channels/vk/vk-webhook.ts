import { createHash, timingSafeEqual } from 'node:crypto';
import {
  parseJsonBody,
  type InboundSink,
  type WebhookEndpoint,
  type WebhookResponse,
} from '../contract';
import { callbackEnvelopeSchema, messageEventOf } from './callback-schema';
import { toInboundMessage } from './normalize';

export interface VkWebhookOptions {
  groupId: number;
  secret: string;
  confirmationCode: string;
  /** The sink given to `start`; `undefined` until then. */
  sink(): InboundSink | undefined;
}

const malformed: WebhookResponse = { status: 400, body: { error: 'malformed' } };

/**
 * The Callback API endpoint. VK signs nothing: the shared secret travels inside the JSON body, so
 * the body is parsed before anything is trusted, and only its envelope is read until the secret
 * matches. A sink failure propagates, the HTTP layer answers 500 and VK redelivers the event.
 */
export function createVkWebhook(options: VkWebhookOptions): WebhookEndpoint {
  const expectedSecret = digest(options.secret);
  const secretMatches = (given: string | undefined) =>
    given !== undefined && timingSafeEqual(digest(given), expectedSecret);

  return {
    path: '/webhooks/vk',
    async handle(request) {
      const envelope = callbackEnvelopeSchema.safeParse(parseJsonBody(request));
      if (!envelope.success) return malformed;
      const event = envelope.data;
      if (!secretMatches(event.secret)) return { status: 403, body: { error: 'forbidden' } };
      // One endpoint serves one community; another group's confirmation must not get our code.
      if (event.group_id !== options.groupId) {
        return { status: 403, body: { error: 'unknown group' } };
      }
      if (event.type === 'confirmation') return { status: 200, body: options.confirmationCode };

      const messageEvent = messageEventOf(event);
      if (messageEvent === undefined) return malformed;
      const message = messageEvent && toInboundMessage(messageEvent);
      if (message) {
        const sink = options.sink();
        // Not "ok": VK then redelivers once the hub is receiving.
        if (!sink) return { status: 503, body: { error: 'not started' } };
        await sink(message);
      }
      return { status: 200, body: 'ok' };
    },
  };
}

/** Equal-length digests, so comparing them leaks neither the secret nor its length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
