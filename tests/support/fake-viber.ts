import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeChannelApi, FakeCustomerFile, FakeDelivery } from '../contract/channel-contract';
import { startLoopbackServer, type LoopbackServer } from './http-fake';

/** One call the fake accepted, with the body as the adapter sent it. */
export interface ViberCall {
  method: string;
  body: Record<string, unknown>;
  /** The message_token answered to a send_message, exactly as written on the wire. */
  token?: string;
}

type Answer = (response: ServerResponse) => void;

/**
 * Viber's REST Bot API on loopback: `/send_message` and `/set_webhook`, checking the auth token
 * and the fields Viber insists on. Tokens are 19-digit integers written as bare JSON numbers, as
 * Viber writes them, so a client that rounds them shows up in the tests.
 */
export class FakeViber implements FakeChannelApi {
  private readonly accepted: ViberCall[] = [];
  private readonly sent: FakeDelivery[] = [];
  private readonly queued: Answer[] = [];
  private nextToken = 5741311803571721087n;
  private server!: LoopbackServer;

  private constructor(readonly authToken: string) {}

  static async start(authToken: string): Promise<FakeViber> {
    const fake = new FakeViber(authToken);
    fake.server = await startLoopbackServer((request, body, response) =>
      fake.handle(request, body, response),
    );
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  calls(method?: string): ViberCall[] {
    return this.accepted.filter((call) => !method || call.method === method);
  }

  deliveries(): FakeDelivery[] {
    return [...this.sent];
  }

  /** Viber's rate limit is status 12 in a 200 answer; it names no wait, so the seconds go unused. */
  rateLimitNext(_retryAfterSec: number): void {
    this.answerNext(12, 'tooManyRequests');
  }

  /** Viber's media URLs are plain, unauthenticated downloads (`/media/<name>` here). */
  customerFile(): FakeCustomerFile {
    return {
      fileRef: `${this.url}/media/requisites.pdf`,
      data: Buffer.from('bytes of requisites.pdf'),
      mimeType: 'application/pdf',
    };
  }

  failNext(how: 'http' | 'drop' = 'http'): void {
    this.queued.push((response) => {
      if (how === 'drop') {
        response.socket?.destroy();
        return;
      }
      response.statusCode = 503;
      response.end('Service Temporarily Unavailable');
    });
  }

  /** The next send_message gets this Viber status, e.g. 6 (receiverNotSubscribed). */
  answerNext(status: number, statusMessage: string): void {
    this.queued.push((response) => reply(response, { status, status_message: statusMessage }));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(request: IncomingMessage, raw: Buffer, response: ServerResponse): void {
    if (request.method === 'GET' && request.url?.startsWith('/media/')) {
      const name = decodeURIComponent(request.url.slice('/media/'.length));
      response.setHeader('content-type', 'application/pdf');
      response.end(Buffer.from(`bytes of ${name}`));
      return;
    }
    if (request.headers['x-viber-auth-token'] !== this.authToken) {
      return reply(response, { status: 2, status_message: 'invalidAuthToken' });
    }
    const method = (request.url ?? '').replace(/^\//, '');
    const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    if (method === 'set_webhook') {
      this.accepted.push({ method, body });
      return reply(response, { status: 0, status_message: 'ok', event_types: body.event_types });
    }
    if (method !== 'send_message') {
      response.statusCode = 404;
      response.end();
      return;
    }
    const queued = this.queued.shift();
    if (queued) return queued(response);
    const missing = missingField(body);
    if (missing) return reply(response, { status: 4, status_message: `missing ${missing}` });
    const token = this.nextToken++;
    this.accepted.push({ method, body, token: String(token) });
    this.sent.push(delivery(body));
    response.setHeader('content-type', 'application/json');
    response.end(
      `{"status":0,"status_message":"ok","message_token":${token},"chat_hostname":"SN-CHAT-05_","billing_status":1}`,
    );
  }
}

function reply(response: ServerResponse, body: Record<string, unknown>): void {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
}

/** The fields Viber's send_message requires per message type. */
function missingField(body: Record<string, unknown>): string | undefined {
  const sender = body.sender as { name?: unknown } | undefined;
  if (typeof body.receiver !== 'string') return 'receiver';
  if (typeof sender?.name !== 'string' || !sender.name) return 'sender.name';
  const required: Record<string, string[]> = {
    text: ['text'],
    picture: ['media', 'text'],
    file: ['media', 'size', 'file_name'],
  };
  const fields = required[String(body.type)];
  if (!fields) return 'a supported type';
  return fields.find((field) => body[field] === undefined);
}

function delivery(body: Record<string, unknown>): FakeDelivery {
  const chatId = String(body.receiver);
  if (body.type === 'text') return { chatId, text: String(body.text) };
  if (body.type === 'file') return { chatId, file: String(body.file_name) };
  return { chatId, file: String(body.media) };
}
