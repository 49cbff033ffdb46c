import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatLog } from './chat-log';

/**
 * The VK and Viber send APIs the hub calls to answer customers, on loopback: each accepted message
 * lands in the customer's chat on the page. Only what a customer sees is kept; the APIs' other
 * duties (uploads, delivery receipts) are not part of the demo.
 */
export class CustomerApisStandIn {
  private nextVkId = 1;
  private nextViberToken = 5741311803571721087n;

  constructor(
    private readonly log: ChatLog,
    private readonly credentials: { vkToken: string; viberToken: string },
  ) {}

  /** `/method/<name>` as vk-io calls it: a form body with the group's access token. */
  handleVk(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const method = (request.url ?? '').replace(/^\/method\//, '').split('?')[0];
    const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const json = (payload: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(payload));
    };
    if (params.access_token !== this.credentials.vkToken) {
      return json({ error: { error_code: 5, error_msg: 'User authorization failed' } });
    }
    if (method !== 'messages.send' || !params.peer_id) {
      return json({ error: { error_code: 3, error_msg: 'Unknown method passed' } });
    }
    const id = this.nextVkId++;
    this.log.add({
      service: 'vk',
      chatId: params.peer_id,
      from: 'bot',
      ...(params.message ? { text: params.message } : {}),
    });
    json({ response: id });
  }

  /** `/<method>` as the Viber channel calls it: JSON with the auth token in a header. */
  handleViber(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const method = (request.url ?? '').replace(/^\//, '');
    const send = (raw: string) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(raw);
    };
    if (request.headers['x-viber-auth-token'] !== this.credentials.viberToken) {
      return send(JSON.stringify({ status: 2, status_message: 'invalidAuthToken' }));
    }
    if (method !== 'send_message') return send(JSON.stringify({ status: 0, status_message: 'ok' }));
    const message = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    const receiver = String(message.receiver);
    const media = typeof message.media === 'string' ? message.media : undefined;
    const name = typeof message.file_name === 'string' ? message.file_name : media;
    this.log.add({
      service: 'viber',
      chatId: receiver,
      from: 'bot',
      ...(typeof message.text === 'string' && message.text ? { text: message.text } : {}),
      ...(media
        ? {
            file: {
              kind: message.type === 'picture' ? ('photo' as const) : ('document' as const),
              name: name ?? 'file',
              url: media,
            },
          }
        : {}),
    });
    // Viber writes the token as a bare 19-digit number.
    send(`{"status":0,"status_message":"ok","message_token":${this.nextViberToken++}}`);
  }
}
