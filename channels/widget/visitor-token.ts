import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A visitor's identity is `visitorId.signature`, kept in the browser. The signature proves the
 * hub issued the id, so nobody can read another visitor's history by guessing or editing an id.
 */
export interface VisitorTokens {
  issue(): { visitorId: string; token: string };
  /** The visitor id a genuine token carries; `undefined` for anything forged or malformed. */
  verify(token: string | undefined): string | undefined;
}

const VISITOR_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function createVisitorTokens(secret: string): VisitorTokens {
  const sign = (visitorId: string) =>
    createHmac('sha256', secret).update(`widget-visitor:${visitorId}`).digest('base64url');
  return {
    issue() {
      const visitorId = randomBytes(16).toString('base64url');
      return { visitorId, token: `${visitorId}.${sign(visitorId)}` };
    },
    verify(token) {
      if (!token) return undefined;
      const [visitorId, signature, ...rest] = token.split('.');
      if (!visitorId || !signature || rest.length > 0 || !VISITOR_ID.test(visitorId)) {
        return undefined;
      }
      const expected = Buffer.from(sign(visitorId));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected)
        ? visitorId
        : undefined;
    },
  };
}
