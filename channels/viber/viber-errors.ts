import { ChannelSendError } from '../contract';

/** Viber names no wait with status 12; a few seconds lets its rate window pass. */
export const RATE_LIMIT_WAIT_MS = 5_000;

const TOO_MANY_REQUESTS = 12;

/**
 * Documented statuses that repeating the same request cannot fix: bad token or data, a receiver
 * who is not on Viber or not subscribed (5, 6), a blocked or suspended account, an old client,
 * unsupported message or country. Left retryable: 10 (no webhook yet; start() sets it, so it clears
 * once the hub is reachable) and statuses Viber lists only as "general error".
 */
const PERMANENT = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21]);

export function viberStatusError(
  method: string,
  status: number,
  statusMessage: string | undefined,
): ChannelSendError {
  const message = `Viber ${method} answered status ${status} (${statusMessage ?? 'no message'})`;
  if (status === TOO_MANY_REQUESTS) return new ChannelSendError(message, true, RATE_LIMIT_WAIT_MS);
  // 5 and 6: the receiver is not on Viber or not subscribed to the bot.
  return new ChannelSendError(
    message,
    !PERMANENT.has(status),
    undefined,
    status === 5 || status === 6,
  );
}

export function httpStatusError(
  method: string,
  status: number,
  retryAfter: string | null,
): ChannelSendError {
  const message = `Viber ${method} answered HTTP ${status}`;
  if (status === 429) {
    const seconds = Number(retryAfter);
    const waitMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : RATE_LIMIT_WAIT_MS;
    return new ChannelSendError(message, true, Math.max(waitMs, 1000));
  }
  return new ChannelSendError(message, status >= 500 || status === 408);
}

/** Network failures and timeouts: the request may never have arrived, so it is worth repeating. */
export function networkError(what: string, error: unknown): ChannelSendError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ChannelSendError(`${what} failed: ${reason}`, true);
}
