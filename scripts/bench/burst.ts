/**
 * Burst drain: ten times P1's top rate for one second, all at once; how fast and how many
 * webhooks are acknowledged, and how fast the cards drain afterwards.
 */
import { withHub, type BenchContext } from './harness';
import { drain, messages, sendOpenLoop, summarize } from './load';

export async function burstScenario(context: BenchContext) {
  const { burst } = context.settings;
  return withHub(context, `burst`, undefined, async ({ fake, client }) => {
    const run = await sendOpenLoop(
      client,
      messages(burst.count, 1, (i) => 5_000_000 + i),
      Infinity,
    );
    await drain(fake, run, burst.drainMs);
    await run.answered;
    const load = summarize(fake, run, Infinity, burst.drainMs);
    return { count: burst.count, drainPerSecond: load.cards.perSecond, load };
  });
}
