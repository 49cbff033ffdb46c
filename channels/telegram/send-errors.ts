import { GrammyError, HttpError } from 'grammy';
import { ChannelSendError } from '../contract';

/**
 * Telegram's answer as the outbox's decision: 429 waits `retry_after`, server errors and network
 * failures are retried, anything else (blocked by the user, chat not found) will not get better.
 */
export function toSendError(error: unknown): ChannelSendError {
  if (error instanceof GrammyError) {
    if (error.error_code === 429) {
      const retryAfter = error.parameters.retry_after ?? 1;
      return new ChannelSendError(error.description, true, retryAfter * 1000);
    }
    return new ChannelSendError(
      error.description,
      error.error_code >= 500,
      undefined,
      error.error_code === 403,
    );
  }
  // No answer: refused, reset, or our own send timeout. A timed-out call may have reached
  // Telegram, which takes no idempotency key; it is retried all the same, since a reply that
  // never arrives is worse than the rare double, and the hung case is what the timeout is for.
  if (error instanceof HttpError) return new ChannelSendError(error.message, true);
  return new ChannelSendError(error instanceof Error ? error.message : String(error), true);
}
