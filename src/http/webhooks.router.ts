import express, { type Router } from 'express';
import type { ChannelAdapter } from '../../channels/contract';
import type { Logger } from '../infra/logger';

/**
 * Mounts each channel's webhook. Bodies stay raw so adapters can check signatures over the exact
 * bytes; express answers 413 above the limit. An adapter's refusal is logged, and a failure to
 * store answers 500 so the channel delivers again instead of the message being lost.
 */
export function webhooksRouter(deps: {
  adapters: ChannelAdapter[];
  bodyLimit: string;
  logger: Logger;
}): Router {
  const router = express.Router();
  for (const adapter of deps.adapters) {
    const { webhook } = adapter;
    if (!webhook) continue;
    router.post(
      webhook.path,
      express.raw({ type: () => true, limit: deps.bodyLimit }),
      async (req, res) => {
        const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const response = await webhook.handle({ headers: req.headers, rawBody });
        if (response.status >= 400) {
          deps.logger.warn(
            {
              channel: adapter.id,
              status: response.status,
              answer: response.body,
              bytes: rawBody.length,
            },
            'refused a webhook call',
          );
        }
        res.status(response.status);
        if (typeof response.body === 'string') res.type('text/plain').send(response.body);
        else if (response.body) res.json(response.body);
        else res.end();
      },
    );
  }
  return router;
}
