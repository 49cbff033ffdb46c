import express, { type Router } from 'express';
import type {
  ChannelAdapter,
  WebhookEndpoint,
  WebhookMethod,
  WebhookRequest,
  WebhookResponse,
} from '../../channels/contract';
import type { Logger } from '../infra/logger';

/** The default answer time; WEBHOOK_DEADLINE_MS sets it. */
export const WEBHOOK_DEADLINE_MS = 5000;

const UNAVAILABLE: WebhookResponse = { status: 503, body: { error: 'unavailable' } };

/**
 * Mounts each channel's webhook (POST, and GET where the endpoint asks for it). Bodies stay raw so adapters can check signatures over the exact
 * bytes; express answers 413 above the limit. An adapter's refusal is logged.
 *
 * A store that fails or does not answer within the deadline (a database down or frozen) is
 * answered 503, so the messenger delivers again instead of the message being lost or the call
 * hanging. Nothing is lost by answering early: a store that still lands later is deduplicated
 * against the redelivery by its channel + message id.
 */
export function webhooksRouter(deps: {
  adapters: ChannelAdapter[];
  bodyLimit: string;
  logger: Logger;
  deadlineMs?: number;
}): Router {
  const router = express.Router();
  const deadlineMs = deps.deadlineMs ?? WEBHOOK_DEADLINE_MS;
  for (const adapter of deps.adapters) {
    // One endpoint per account of a channel (channels/accounts.ts), or the adapter's own.
    for (const webhook of adapter.webhooks ?? (adapter.webhook ? [adapter.webhook] : [])) {
      mount(adapter, webhook);
    }
  }
  return router;

  function mount(adapter: ChannelAdapter, webhook: WebhookEndpoint): void {
    const handler: express.RequestHandler = async (req, res) => {
      const request = toWebhookRequest(req);
      const handled = webhook.handle(request).catch((error) => {
        deps.logger.error({ err: error, channel: adapter.id }, 'could not store a webhook call');
        return UNAVAILABLE;
      });
      const response = await withDeadline(handled, deadlineMs, () => {
        deps.logger.warn({ channel: adapter.id, deadlineMs }, 'webhook call ran past deadline');
      });
      if (response.status >= 400) {
        deps.logger.warn(
          {
            channel: adapter.id,
            status: response.status,
            answer: response.body,
            bytes: request.rawBody.length,
          },
          'refused a webhook call',
        );
      }
      res.status(response.status);
      if (typeof response.body === 'string') res.type('text/plain').send(response.body);
      else if (response.body) res.json(response.body);
      else res.end();
    };
    const raw = express.raw({ type: () => true, limit: deps.bodyLimit });
    for (const method of webhook.methods ?? DEFAULT_METHODS) {
      if (method === 'GET') router.get(webhook.path, handler);
      else router.post(webhook.path, raw, handler);
    }
  }
}

const DEFAULT_METHODS: readonly WebhookMethod[] = ['POST'];

/** The call as adapters take it: the query parsed by URLSearchParams, not express's nested one. */
function toWebhookRequest(req: express.Request): WebhookRequest {
  const url = new URL(req.originalUrl, 'http://hub.invalid');
  return {
    method: req.method === 'POST' ? 'POST' : 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
  };
}

/** The handler's answer, or 503 once the deadline passes (the handler never rejects here). */
async function withDeadline(
  handled: Promise<WebhookResponse>,
  deadlineMs: number,
  onLate: () => void,
): Promise<WebhookResponse> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<WebhookResponse>((resolve) => {
    timer = setTimeout(() => {
      onLate();
      resolve(UNAVAILABLE);
    }, deadlineMs);
  });
  try {
    return await Promise.race([handled, late]);
  } finally {
    clearTimeout(timer);
  }
}
