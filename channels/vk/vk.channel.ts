import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { VK } from 'vk-io';
import type { ChannelAdapter, InboundSink } from '../contract';
import { fetchUrl } from '../contract';
import { sendVkMessage } from './vk-send';
import { createVkWebhook } from './vk-webhook';

export interface VkChannelOptions {
  /** The community whose messages this adapter receives and sends. */
  groupId: number;
  /** A community access token with the "messages" and "docs"/"photos" rights. */
  token: string;
  /** The Callback API secret key set in the community's settings. */
  secret: string;
  /** The string VK expects back when the server address is confirmed. */
  confirmationCode: string;
  /** `https://api.vk.com/method` in production; tests point it at a loopback fake. */
  apiBaseUrl: string;
  /** The longest one VK API call may take (default 10 s); uploads get twice that. */
  callTimeoutMs?: number;
}

/** vk-io's own defaults, set here so they are seen: a hung VK call holds its chat no longer. */
const CALL_TIMEOUT_MS = 10_000;

/** Community messages: the Callback API in, `messages.send` out. */
export function createVkChannel(options: VkChannelOptions): ChannelAdapter {
  // vk-io's default agent is https-only; an own agent also lets stop() close idle sockets.
  const agent = options.apiBaseUrl.startsWith('http:')
    ? new HttpAgent({ keepAlive: true })
    : new HttpsAgent({ keepAlive: true });
  const vk = new VK({
    token: options.token,
    apiBaseUrl: options.apiBaseUrl,
    // Typed as an https agent, but vk-io only hands it to fetch, which takes either kind.
    agent: agent as HttpsAgent,
    // VK allows a community 20 requests a second.
    apiLimit: 20,
    // The outbox retries with its own backoff; a second layer here would only hide outages.
    apiRetryLimit: 0,
    apiTimeout: options.callTimeoutMs ?? CALL_TIMEOUT_MS,
    uploadTimeout: 2 * (options.callTimeoutMs ?? CALL_TIMEOUT_MS),
  });
  let sink: InboundSink | undefined;

  return {
    id: 'vk',
    // VK puts a plain URL on each attachment (normalize.ts).
    fetchFile: fetchUrl,
    webhook: createVkWebhook({ ...options, sink: () => sink }),
    async start(next) {
      sink = next;
    },
    async stop() {
      sink = undefined;
      agent.destroy();
    },
    send: (chatId, message) => sendVkMessage(vk, chatId, message),
  };
}
