/**
 * P1 only, without writing bench/: webhook → card latency for new and returning customers, the
 * saturation rate and the round trips per message, with the same machinery as `npm run bench`
 * (the hub as its own process). Run: `npx tsx scripts/bench-inbound.ts` (BENCH_QUICK=1 for a
 * short run).
 */
import { printRows, runBench } from './bench/run';

runBench({ only: ['idle', 'p1', 'saturation'], write: false })
  .then(({ rows }) => {
    printRows(rows.filter((row) => row.id === 'P1' || row.id === 'R'));
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(/^interrupted/.test((error as Error).message) ? 130 : 1);
  });
