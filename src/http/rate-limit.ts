import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';

/** The default of PUBLIC_RATE_LIMIT_PER_MINUTE. */
export const PUBLIC_RATE_LIMIT_PER_MINUTE = 120;

/**
 * Requests per minute per client address on a public API, checked before its key or token so
 * guessing keys is throttled too. Counts live in this process's memory: with several processes
 * each allows the limit, which is still a bound. Behind a proxy every client shares the proxy's
 * address unless express's `trust proxy` is set for it.
 */
export function publicRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ error: 'rate_limited' });
    },
  });
}
