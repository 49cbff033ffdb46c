/**
 * P1 and R: webhook POST → the card at the fake Bot API, at a fixed offered rate, each message
 * from a new customer or from returning ones (the same customers, who wrote once before and got
 * their card); the database round trips each measured message cost.
 */
import { commandDelta, roundTrips, scrape, settle, withHub, type BenchContext } from './harness';
import { drain, messages, sendOpenLoop, summarize, type LoadSummary } from './load';
import type { RoundTrips } from './harness';

export type CustomerKind = 'new' | 'returning';

export interface P1Result {
  kind: CustomerKind;
  rate: number;
  load: LoadSummary;
  /** Returning customers: their first messages, sent the same way before the measured ones. */
  warmup?: LoadSummary;
  roundTrips: RoundTrips;
}

const NEW_CUSTOMERS = 1_000_000;
const RETURNING_CUSTOMERS = 2_000_000;

export async function p1Scenario(context: BenchContext, kind: CustomerKind, rate: number) {
  const { settings } = context;
  const count = Math.max(1, Math.round(rate * settings.p1.seconds));
  return withHub(context, `p1_${kind}_${rate}`, undefined, async ({ hub, fake, client }) => {
    let warmup: LoadSummary | undefined;
    let first = 1;
    if (kind === 'returning') {
      const firstMessages = messages(count, first, (i) => RETURNING_CUSTOMERS + i, 1);
      const run = await sendOpenLoop(client, firstMessages, rate);
      await drain(fake, run, settings.drainMs);
      await run.answered;
      warmup = summarize(fake, run, rate, settings.drainMs);
      first += count;
    }
    const before = await settle(context, hub.url);
    const measured =
      kind === 'new'
        ? messages(count, first, (i) => NEW_CUSTOMERS + i, 1)
        : messages(count, first, (i) => RETURNING_CUSTOMERS + i, 2);
    const run = await sendOpenLoop(client, measured, rate);
    await drain(fake, run, settings.drainMs);
    await run.answered;
    const load = summarize(fake, run, rate, settings.drainMs);
    const after = await settle(context, hub.url);
    const result: P1Result = {
      kind,
      rate,
      load,
      ...(warmup ? { warmup } : {}),
      roundTrips: roundTrips(context, commandDelta(before, after), count),
    };
    return result;
  });
}

export { scrape };
