/**
 * P1's saturation rate: offered rates stepped up, each for a few seconds on a fresh hub and a
 * fresh database; the highest rate whose p99 stays within the limit with every card arriving.
 * When even the first step fails, lower rates are tried so a slow hub still gets a number.
 */
import { withHub, type BenchContext } from './harness';
import { drain, messages, sendOpenLoop, summarize, type LoadSummary } from './load';

export interface SaturationStep {
  rate: number;
  passed: boolean;
  /** The drain stopped once more than 1% of the messages were older than the p99 limit. */
  stoppedEarly: boolean;
  load: LoadSummary;
}

export interface SaturationResult {
  /** The highest passing rate (msgs/s); 0 when none passed. */
  rate: number;
  steps: (SaturationStep | { rate: number; error: string })[];
}

async function step(context: BenchContext, rate: number): Promise<SaturationStep> {
  const { saturation } = context.settings;
  const seconds = Math.min(10, Math.max(saturation.seconds, saturation.minMessages / rate));
  const count = Math.max(1, Math.round(rate * seconds));
  return withHub(context, `sat_${rate}`, undefined, async ({ fake, client }) => {
    const run = await sendOpenLoop(
      client,
      messages(count, 1, (i) => 3_000_000 + i),
      rate,
    );
    // p99 > limit is certain once more than 1% of all messages are older than the limit.
    const allowedLate = count - Math.ceil(0.99 * count);
    const outcome = await drain(
      fake,
      run,
      saturation.drainMs,
      (pending, now) =>
        pending.filter((m) => now - m.sentAt > saturation.p99LimitMs).length > allowedLate,
    );
    await run.answered;
    const load = summarize(fake, run, rate, saturation.drainMs);
    const passed =
      !outcome.gaveUp &&
      load.cards.lost === 0 &&
      load.cards.duplicated === 0 &&
      load.cards.p99Ms <= saturation.p99LimitMs;
    return { rate, passed, stoppedEarly: outcome.gaveUp, load };
  });
}

export async function saturationScenario(
  context: BenchContext,
  withinBudget: () => boolean,
): Promise<SaturationResult> {
  const { up, down } = context.settings.saturation;
  const steps: SaturationResult['steps'] = [];
  let best = 0;
  const tryRate = async (rate: number) => {
    try {
      const result = await step(context, rate);
      steps.push(result);
      context.log(
        `    ${rate}/s: ${result.passed ? 'pass' : 'fail'} (p99 ${Number.isFinite(result.load.cards.p99Ms) ? `${result.load.cards.p99Ms} ms` : 'n/a'}, ` +
          `lost ${result.load.cards.lost}/${result.load.sent}${result.stoppedEarly ? ', stopped early' : ''})`,
      );
      return result.passed;
    } catch (error) {
      steps.push({ rate, error: (error as Error).message.slice(0, 2000) });
      context.log(`    ${rate}/s: error ${(error as Error).message.split('\n')[0]}`);
      return false;
    }
  };
  for (const rate of up) {
    if (!withinBudget()) break;
    if (!(await tryRate(rate))) break;
    best = rate;
  }
  if (best === 0) {
    for (const rate of down) {
      if (!withinBudget()) break;
      if (await tryRate(rate)) {
        best = rate;
        break;
      }
    }
  }
  return { rate: best, steps };
}
