/** R's idle part: the hub's database round trips per second with no traffic at all. */
import { commandDelta, scrape, withHub, type BenchContext } from './harness';
import { round, sleep } from './stats';

export async function idleScenario(context: BenchContext) {
  return withHub(context, 'idle', undefined, async ({ hub }) => {
    await sleep(1000);
    const before = await scrape(hub.url);
    await sleep(context.settings.idleSeconds * 1000);
    const delta = commandDelta(before, await scrape(hub.url));
    return {
      commandsPerSecond: round(delta.seconds > 0 ? delta.total / delta.seconds : NaN, 2),
      seconds: round(delta.seconds, 2),
      commands: delta.byCommand,
      scrapeOk: delta.ok,
    };
  });
}
