import { GrammyError, HttpError } from 'grammy';

/**
 * Which failures of a notice's delivery pass by themselves, and how long to wait for them: the
 * delivery queue holds a person's notices for that long instead of marking them failed.
 */
export const isRateLimit = (error: unknown) =>
  error instanceof GrammyError && error.error_code === 429;

/** When to try a notice again after a failure that may pass (a rate limit, an outage). */
export function retryDelayMs(error: unknown, attempts: number): number | undefined {
  if (error instanceof GrammyError && error.error_code === 429) {
    return (error.parameters.retry_after ?? 1) * 1000;
  }
  const transient =
    error instanceof HttpError || (error instanceof GrammyError && error.error_code >= 500);
  return transient ? Math.min(1000 * 2 ** (attempts - 1), 60_000) : undefined;
}
