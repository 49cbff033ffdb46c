/**
 * Posts Telegram updates to the hub's customer webhook over keep-alive connections, the way
 * Telegram does, and never throws: every answer, error and timeout becomes a result to count.
 */
import { Agent, request } from 'node:http';

export const WEBHOOK_SECRET = 'bench-secret';
export const CUSTOMER_WEBHOOK_PATH = '/webhooks/telegram/customer';
export const MANAGER_WEBHOOK_PATH = '/webhooks/telegram/manager';

export type PostOutcome = number | 'timeout' | 'error';

export interface PostResult {
  outcome: PostOutcome;
  /** POST → the hub's answer (or the failure), in ms. */
  ackMs: number;
  error?: string;
}

export interface CustomerMessage {
  /** The number in `bench #n`, unique within one hub's life. */
  n: number;
  customerId: number;
  /** The customer's own message counter (1 for a first message). */
  messageId: number;
}

export function telegramUpdate(message: CustomerMessage) {
  return {
    update_id: message.n,
    message: {
      message_id: message.messageId,
      from: { id: message.customerId, is_bot: false, first_name: `Client ${message.customerId}` },
      chat: { id: message.customerId, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      text: `bench #${message.n}`,
    },
  };
}

export class WebhookClient {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    private readonly options: { connections: number; timeoutMs: number },
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  }

  /** A customer's message to the customer bot's webhook. */
  post(message: CustomerMessage): Promise<PostResult> {
    return this.postJson(CUSTOMER_WEBHOOK_PATH, telegramUpdate(message));
  }

  /** Any update to one of the hub's Telegram webhooks (both take the same secret). */
  postJson(path: string, update: unknown): Promise<PostResult> {
    const body = JSON.stringify(update);
    const started = performance.now();
    return new Promise<PostResult>((resolve) => {
      let settled = false;
      const finish = (outcome: PostOutcome, error?: string) => {
        if (settled) return;
        settled = true;
        resolve({ outcome, ackMs: performance.now() - started, ...(error ? { error } : {}) });
      };
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      let gotResponse = false;
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path,
          agent: this.agent,
          signal,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-telegram-bot-api-secret-token': WEBHOOK_SECRET,
          },
        },
        (response) => {
          gotResponse = true;
          response.resume();
          response.on('end', () => finish(response.statusCode ?? 0));
          response.on('error', (error) =>
            finish(signal.aborted ? 'timeout' : 'error', error.message),
          );
          // 'end' comes before 'close' when the answer was whole; otherwise it was cut off.
          response.on('close', () =>
            finish(signal.aborted ? 'timeout' : 'error', 'answer cut off'),
          );
        },
      );
      req.on('error', (error) => finish(signal.aborted ? 'timeout' : 'error', error.message));
      req.on('close', () => {
        if (!gotResponse) {
          finish(signal.aborted ? 'timeout' : 'error', 'connection closed before an answer');
        }
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
