/**
 * Node fires a timer set beyond 2^31 − 1 ms (≈ 24.8 days) after 1 ms instead, with a warning: a
 * wake-up for a job a month away would spin. Waits are capped; whoever wakes early looks again.
 */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export function timerDelay(untilMs: number, nowMs: number): number {
  return Math.min(Math.max(0, untilMs - nowMs), MAX_TIMER_DELAY_MS);
}
