import { z } from 'zod';
import { ChannelSendError } from '../contract';
import { httpStatusError, networkError, viberStatusError } from './viber-errors';
import { parseViberJson } from './viber-json';
import { viberToken } from './viber-schema';

/** One message of a send_message call, as Viber documents it (the receiver is added per call). */
export type ViberOutboundPart =
  | { type: 'text'; text: string }
  | { type: 'picture'; media: string; text: string }
  | { type: 'file'; media: string; size: number; file_name: string };

export type ViberSendMessage = ViberOutboundPart & { receiver: string; sender: { name: string } };

export interface ViberApi {
  /** Resolves to the message_token Viber assigned. */
  sendMessage(message: ViberSendMessage): Promise<string>;
  setWebhook(url: string, eventTypes: readonly string[]): Promise<void>;
}

export interface ViberApiOptions {
  authToken: string;
  apiBaseUrl: string;
  timeoutMs: number;
}

/** Viber answers HTTP 200 for its own errors and puts the outcome in `status`. */
const viberAnswer = z.object({
  status: z.number().int(),
  status_message: z.string().optional(),
  message_token: viberToken.optional(),
});

export function createViberApi(options: ViberApiOptions): ViberApi {
  const baseUrl = options.apiBaseUrl.replace(/\/+$/, '');

  async function call(method: string, body: object): Promise<z.infer<typeof viberAnswer>> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${baseUrl}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Viber-Auth-Token': options.authToken },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkError(`Viber ${method}`, error);
    }
    if (!response.ok) {
      throw httpStatusError(method, response.status, response.headers.get('retry-after'));
    }
    const answer = viberAnswer.safeParse(parseViberJson(text));
    // A garbled 200 comes from a proxy or an outage page, not from Viber judging the request.
    if (!answer.success) throw new ChannelSendError(`Viber ${method}: unreadable answer`, true);
    if (answer.data.status !== 0) {
      throw viberStatusError(method, answer.data.status, answer.data.status_message);
    }
    return answer.data;
  }

  return {
    async sendMessage(message) {
      const answer = await call('send_message', message);
      if (!answer.message_token) {
        throw new ChannelSendError('Viber send_message: answer without message_token', true);
      }
      return answer.message_token;
    },
    async setWebhook(url, eventTypes) {
      await call('set_webhook', { url, event_types: eventTypes, send_name: true });
    },
  };
}
