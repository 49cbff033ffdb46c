/**
 * `npm run bench`: the hub as its own process against a loopback fake Bot API and the embedded
 * database, measured from outside — P1 (latency, saturation), P2 (sustained ingest vs the raw
 * driver), growth, burst drain and round trips of ../shared/design/PERFORMANCE.md. Writes
 * bench/results.json and bench/RESULTS.md. Knobs: BENCH_QUICK=1, BENCH_RUNS, BENCH_ONLY,
 * BENCH_P2_SECONDS and the rest in scripts/bench/settings.ts; BENCH_VERBOSE=1 times each phase,
 * BENCH_DEBUG=1 prints what the manager bot sends.
 */
import { printRows, runBench } from './bench/run';

runBench()
  .then(({ rows }) => {
    printRows(rows);
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(/^interrupted/.test((error as Error).message) ? 130 : 1);
  });
