import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** A bearer token check; digests compared in constant time, so its length and prefix do not leak. */
export function bearer(token: string): RequestHandler {
  const expected = createHash('sha256').update(token).digest();
  return (req, res, next) => {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    next();
  };
}
