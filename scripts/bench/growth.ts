/**
 * Growth (G): with 1k, 10k, 100k messages already stored (and their contacts, conversations and
 * leads), the ingest rate (closed loop, each customer waiting for its card), then P1 at a fixed rate.
 */
import { preloadHistory } from './growth-data';
import { withHub, type BenchContext } from './harness';
import { closedLoop, drain, messages, sendOpenLoop, summarize } from './load';
import { round } from './stats';

export async function growthScenario(context: BenchContext, size: number) {
  const { growth, drainMs } = context.settings;
  let preload = { documents: 0, seconds: 0, indexSeconds: 0 };
  return withHub(
    context,
    `g_${size}`,
    async (database) => {
      preload = await preloadHistory(database, {
        messages: size,
        messagesPerConversation: growth.messagesPerConversation,
        timeoutMs: growth.preloadTimeoutMs,
      });
    },
    async ({ fake, client }) => {
      // The ingest rate first: the closed loop leaves at most `concurrency` messages behind.
      let n = 0;
      const ingest = await closedLoop(client, fake, {
        concurrency: growth.concurrency,
        seconds: growth.ingestSeconds,
        extraMs: drainMs,
        next: () => {
          n++;
          return { n, customerId: 7_000_000 + n, messageId: 1 };
        },
      });
      const count = Math.max(1, Math.round(growth.rate * growth.seconds));
      const run = await sendOpenLoop(
        client,
        messages(count, n + 1, (i) => 6_000_000 + i),
        growth.rate,
      );
      await drain(fake, run, drainMs);
      await run.answered;
      const p1 = summarize(fake, run, growth.rate, drainMs);
      return {
        size,
        preload: {
          documents: preload.documents,
          seconds: round(preload.seconds, 2),
          indexSeconds: round(preload.indexSeconds, 2),
        },
        p1,
        ingest,
      };
    },
  );
}
