import { APIError, APIErrorCode, UploadError } from 'vk-io';
import { ChannelSendError } from '../contract';

/**
 * VK names no wait with its limits, so the outbox waits for the window each one is counted over:
 * requests per second, identical messages in a row, a method's hourly quota.
 */
const LIMIT_WAIT_MS = new Map<number, number>([
  [APIErrorCode.TOO_MANY, 1_000],
  [APIErrorCode.FLOOD, 10_000],
  [APIErrorCode.RATE_LIMIT, 60_000],
]);

/** The customer blocked the community or never allowed it to write. */
const RECIPIENT_GONE_CODES = new Set<number>([
  APIErrorCode.MESSAGES_USER_BLOCKED,
  APIErrorCode.MESSAGES_DENY_SEND,
]);

/** VK's own hiccups: the same request may well succeed a moment later. */
const TRANSIENT_CODES = new Set<number>([APIErrorCode.UNKNOWN, APIErrorCode.SERVER]);

/**
 * Whether the outbox should try again. Anything VK answered other than a limit or its own failure
 * (blocked by the customer, no permission, bad parameters, captcha) will not improve by retrying.
 */
export function toChannelSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof APIError) {
    const code = Number(error.code);
    const wait = LIMIT_WAIT_MS.get(code);
    if (wait !== undefined) return new ChannelSendError(error.message, true, wait);
    return new ChannelSendError(
      error.message,
      TRANSIENT_CODES.has(code),
      undefined,
      RECIPIENT_GONE_CODES.has(code),
    );
  }
  if (error instanceof UploadError) return new ChannelSendError(error.message, false);
  // Refused or dropped connections, timeouts and error pages that are not VK's JSON.
  const reason = error instanceof Error ? error.message : String(error);
  return new ChannelSendError(`VK did not answer: ${reason}`, true);
}
