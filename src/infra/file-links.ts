import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../domain/ports';

/**
 * How long a link works. Links are made when a file is sent or shown (a channel fetches it within
 * minutes; the widget makes fresh ones each time it shows the history), and an outbox entry may
 * wait for a channel through a long outage, so a week leaves room without links living forever.
 */
export const FILE_LINK_TTL_MS = 7 * 24 * 3600 * 1000;

export type LinkCheck = 'ok' | 'bad_signature' | 'expired';

/**
 * Links to files the hub keeps, signed so they can be handed to Viber, VK or a browser without
 * a login and cannot be guessed or altered to reach another file. The expiry is part of what is
 * signed, so it cannot be pushed back either.
 */
export class FileLinks {
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly secret: string,
    private readonly baseUrl: () => string,
    options: { ttlMs?: number; clock?: Clock } = {},
  ) {
    this.ttlMs = options.ttlMs ?? FILE_LINK_TTL_MS;
    this.clock = options.clock ?? systemClock;
  }

  /** Handed to channels and the widget as their `fileUrl`: bound. */
  readonly url = (fileId: string, name: string): string => {
    const expires = Math.ceil((this.clock.now().getTime() + this.ttlMs) / 1000);
    return (
      `${this.baseUrl()}/files/${fileId}/${encodeURIComponent(name)}` +
      `?exp=${expires}&sig=${this.sign(fileId, expires)}`
    );
  };

  /** `expires` as the link carries it (seconds since 1970), checked only once signed. */
  check(fileId: string, expires: string, signature: string): LinkCheck {
    if (!/^\d{1,12}$/.test(expires)) return 'bad_signature';
    const expected = Buffer.from(this.sign(fileId, Number(expires)));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return 'bad_signature';
    }
    return Number(expires) * 1000 <= this.clock.now().getTime() ? 'expired' : 'ok';
  }

  private sign(fileId: string, expires: number): string {
    return createHmac('sha256', this.secret)
      .update(`file:${fileId}:${expires}`)
      .digest('base64url');
  }
}
