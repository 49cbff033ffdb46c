/**
 * One row per measurement of ../shared/design/PERFORMANCE.md: median over the runs, its target.
 * (Over 300 lines on purpose: one measuring tool read top to bottom, as its README describes.)
 */
import type { LoadSummary } from './load';
import type { P1Result } from './p1';
import { succeeded, type P1Key, type RunResult } from './results';
import { P4_DRIVERS, type P4Driver } from './settings';
import { errorsOf, fmt, topText, type Row } from './report-format';
import { p4Rows, p5Rows } from './report-rows-outbound';
import { reportsRow } from './report-rows-reports';
import { median, sum } from './stats';

const loadText = (loads: LoadSummary[]) => {
  const lost = sum(loads.map((l) => l.cards.lost));
  const dup = sum(loads.map((l) => l.cards.duplicated));
  const sent = sum(loads.map((l) => l.sent));
  const non2xx = sum(loads.map((l) => l.acks.non2xx));
  const timeouts = sum(loads.map((l) => l.acks.timeouts));
  const errors = sum(loads.map((l) => l.acks.errors));
  const webhook = [
    non2xx && `${non2xx} non-2xx`,
    timeouts && `${timeouts} timed out`,
    errors && `${errors} failed`,
  ].filter(Boolean);
  return {
    lost,
    dup,
    text:
      `lost ${lost}/${sent}, duplicated ${dup}` +
      (webhook.length ? `; webhooks: ${webhook.join(', ')}` : '; webhooks all 2xx'),
  };
};

/** The median over runs of p99 counting lost cards as never arriving (Infinity past 1% lost). */
const medianP99 = (loads: LoadSummary[]) => {
  const values = loads.map((l) => l.cards.p99WithLostMs ?? Infinity);
  const sorted = values.map((v) => (v === null ? Infinity : v)).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

const p99Text = (p99: number, loads: LoadSummary[]) =>
  p99 === Infinity
    ? `> ${fmt((loads[0]?.drainMs ?? 0) / 1000, 0)} s (over 1% never arrived)`
    : `${fmt(p99)} ms`;

function p1Rows(runs: RunResult[], kind: 'new' | 'returning', rate: number): Row[] {
  const key: P1Key = `${kind}_${rate}`;
  const results = runs.map((run) => succeeded(run.p1[key])).filter((r) => r !== undefined);
  const limit = rate >= 200 ? 30 : 150;
  const label = `${kind === 'new' ? 'new customers' : 'returning customers'} at ${rate} msgs/s`;
  const errors = errorsOf(runs, (run) => run.p1[key]);
  if (!results.length) {
    return [
      {
        id: 'P1',
        measurement: `webhook → card, ${label}`,
        target: `p99 ≤ ${limit} ms, none lost or duplicated`,
        measured: `not measured${errors}`,
        pass: errors ? false : undefined,
      },
    ];
  }
  const loads = results.map((r: P1Result) => r.load);
  const p50 = median(loads.map((l) => l.cards.p50Ms));
  const p99 = medianP99(loads);
  const { lost, dup, text } = loadText(loads);
  const warmLost = sum(results.map((r) => r.warmup?.cards.lost));
  return [
    {
      id: 'P1',
      measurement: `webhook → card, ${label}`,
      target: `p99 ≤ ${limit} ms, none lost or duplicated`,
      measured:
        `p50 ${fmt(p50)} ms, p99 ${p99Text(p99, loads)}; ${text}` +
        (kind === 'returning' ? ` (their first messages: ${warmLost} lost)` : '') +
        errors,
      pass: p99 <= limit && lost === 0 && dup === 0 && !errors,
      value: p99,
    },
    {
      id: 'P1',
      measurement: `webhook ack (POST → HTTP answer), ${label}`,
      target: 'reported',
      measured: `p50 ${fmt(median(loads.map((l) => l.acks.p50Ms)))} ms, p99 ${fmt(
        median(loads.map((l) => l.acks.p99Ms)),
      )} ms; ${sum(loads.map((l) => l.acks.ok))}/${sum(loads.map((l) => l.sent))} answered 2xx`,
      value: median(loads.map((l) => l.acks.p99Ms)),
    },
  ];
}

function roundTripRow(runs: RunResult[], kind: 'new' | 'returning', rates: number[]): Row {
  const limit = kind === 'new' ? 8 : 4;
  // The lowest rate is the one least disturbed by a backlog.
  const rate = [...rates].sort((a, b) => a - b)[0] ?? 50;
  const key: P1Key = `${kind}_${rate}`;
  const results = runs.map((run) => succeeded(run.p1[key])).filter((r) => r !== undefined);
  const per = median(results.map((r) => r.roundTrips.perMessage));
  const raw = median(results.map((r) => r.roundTrips.perMessageRaw));
  const lost = sum(results.map((r) => r.load.cards.lost));
  return {
    id: 'R',
    measurement: `database round trips per message, ${kind} customer (P1 at ${rate}/s)`,
    target: `≤ ${limit}`,
    measured: results.length
      ? `${fmt(per, 2)} (${fmt(raw, 2)} before subtracting idle polling)${topText(results[0]?.roundTrips.top)}` +
        (lost
          ? `; ${lost} of the messages got no card in time (and earlier work may still have been running), so this is approximate`
          : '')
      : `not measured${errorsOf(runs, (run) => run.p1[key])}`,
    pass: results.length ? per <= limit : undefined,
    value: per,
  };
}

export function buildRows(
  runs: RunResult[],
  rates: number[],
  sizes: number[],
  p4Drivers: readonly P4Driver[] = P4_DRIVERS,
): Row[] {
  const rows: Row[] = [];
  for (const kind of ['new', 'returning'] as const) {
    for (const rate of rates) rows.push(...p1Rows(runs, kind, rate));
  }

  const saturations = runs.map((run) => succeeded(run.saturation)).filter((s) => s !== undefined);
  const saturation = median(saturations.map((s) => s.rate));
  rows.push({
    id: 'P1',
    measurement: 'saturation: highest offered rate with p99 ≤ 1 s and every card arriving',
    target: '≥ 550 msgs/s',
    measured: saturations.length
      ? `${fmt(saturation, 0)} msgs/s (runs: ${saturations.map((s) => s.rate).join(', ')})` +
        (saturation === 0 ? ' — no step passed' : '')
      : `not measured${errorsOf(runs, (run) => run.saturation)}`,
    pass: saturations.length ? saturation >= 550 : undefined,
    value: saturation,
  });

  const p2s = runs.map((run) => succeeded(run.p2)).filter((p) => p !== undefined);
  const p2Errors = errorsOf(runs, (run) => run.p2);
  if (p2s.length) {
    const ratio = median(p2s.map((p) => p.ratioToRaw));
    const lag = median(p2s.map((p) => p.eventLoop.p99Ms));
    const growth = median(p2s.map((p) => p.backlog.growth));
    const { lost, dup, text } = loadText(p2s.map((p) => p.load));
    rows.push(
      {
        id: 'P2',
        measurement: `sustained ingest for ${p2s[0]!.seconds} s near saturation, vs the raw driver's insertOne rate`,
        target: '≥ 25% of raw',
        measured:
          `${fmt(median(p2s.map((p) => p.processedPerSecond)))} msgs/s processed at ` +
          `${fmt(median(p2s.map((p) => p.rate)))} offered; raw ${fmt(
            median(p2s.map((p) => p.rawInsert.perSecond)),
            0,
          )} inserts/s → ${fmt(ratio * 100, 2)}%; ${text}${p2Errors}`,
        pass: ratio >= 0.25,
        value: ratio,
      },
      {
        id: 'P2',
        measurement: 'event-loop lag p99 over the sustained window',
        target: '< 50 ms',
        measured: `p99 ${fmt(lag)} ms, max ${fmt(median(p2s.map((p) => p.eventLoop.maxMs)))} ms`,
        pass: lag < 50,
        value: lag,
      },
      {
        id: 'P2',
        measurement: 'queue growth: messages without a card, half-way vs at the end of sending',
        target: 'no growth, none lost or duplicated',
        measured: `${fmt(median(p2s.map((p) => p.backlog.atHalf)), 0)} → ${fmt(
          median(p2s.map((p) => p.backlog.atEnd)),
          0,
        )} (growth ${fmt(growth, 0)})`,
        pass: growth <= Math.max(5, 0.01 * median(p2s.map((p) => p.load.sent))) && !lost && !dup,
        value: growth,
      },
    );
  } else {
    rows.push({
      id: 'P2',
      measurement: 'sustained ingest near saturation, vs the raw driver insert rate',
      target: '≥ 25% of raw; event-loop lag p99 < 50 ms',
      measured: `not measured${p2Errors}`,
      pass: p2Errors ? false : undefined,
    });
  }

  rows.push(p3Row(runs), ...p4Rows(runs, p4Drivers), ...p5Rows(runs), reportsRow(runs));

  const ingestAt = (size: number) =>
    median(runs.map((run) => succeeded(run.growth[String(size)])?.ingest.perSecond));
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  const ratio = ingestAt(largest) / ingestAt(smallest);
  const growthErrors = sizes
    .map((size) => errorsOf(runs, (run) => run.growth[String(size)]))
    .find(Boolean);
  rows.push({
    id: 'G',
    measurement: `ingest rate with ${sizes.map((s) => s.toLocaleString('en')).join(' / ')} messages stored (closed loop)`,
    target: `at ${largest.toLocaleString('en')} ≥ 80% of at ${smallest.toLocaleString('en')}`,
    measured:
      `${sizes.map((s) => `${fmt(ingestAt(s))}`).join(' / ')} msgs/s → ${fmt(ratio * 100, 0)}%` +
      (growthErrors ?? ''),
    // Measured but nothing ingested at some size is a failure too.
    pass: Number.isFinite(ratio)
      ? ratio >= 0.8
      : growthErrors || sizes.some((size) => Number.isFinite(ingestAt(size)))
        ? false
        : undefined,
    value: ratio,
  });
  for (const size of sizes) {
    const results = runs.map((run) => succeeded(run.growth[String(size)])).filter(Boolean);
    if (!results.length) continue;
    const loads = results.map((r) => r!.p1);
    const p99 = medianP99(loads);
    const { lost, dup, text } = loadText(loads);
    rows.push({
      id: 'G',
      measurement: `P1 with ${size.toLocaleString('en')} messages stored, new customers at ${loads[0]!.offeredRate} msgs/s`,
      target: 'p99 ≤ 150 ms, none lost or duplicated',
      measured:
        `p50 ${fmt(median(loads.map((l) => l.cards.p50Ms)))} ms, p99 ${p99Text(p99, loads)}; ${text}; ` +
        `hub start ${fmt(median(results.map((r) => r!.hubStartMs / 1000)))} s, pre-load ${fmt(
          median(results.map((r) => r!.preload.seconds)),
        )} s`,
      pass: p99 <= 150 && !lost && !dup,
      value: p99,
    });
  }

  rows.push(roundTripRow(runs, 'new', rates), roundTripRow(runs, 'returning', rates));
  const idles = runs.map((run) => succeeded(run.idle)).filter((i) => i !== undefined);
  const idle = median(idles.map((i) => i.commandsPerSecond));
  rows.push({
    id: 'R',
    measurement: 'database round trips per second while idle',
    target: 'a rare safety net only (≤ 1/s here)',
    measured: idles.length
      ? `${fmt(idle, 2)}/s${topText(idles[0]?.commands)}`
      : `not measured${errorsOf(runs, (run) => run.idle)}`,
    pass: idles.length ? idle <= 1 : undefined,
    value: idle,
  });

  const bursts = runs.map((run) => succeeded(run.burst)).filter((b) => b !== undefined);
  if (bursts.length) {
    const loads = bursts.map((b) => b.load);
    const { lost, dup, text } = loadText(loads);
    const acked = median(loads.map((l) => l.acks.ok));
    rows.push({
      id: 'burst',
      measurement: `burst of ${bursts[0]!.count} webhooks at once: acknowledged, then drained`,
      target: 'all acknowledged, none lost or duplicated',
      measured:
        `${fmt(acked, 0)}/${bursts[0]!.count} answered 2xx, ack p99 ${fmt(
          median(loads.map((l) => l.acks.p99Ms)),
        )} ms; drain ${fmt(median(bursts.map((b) => b.drainPerSecond)))} cards/s, ` +
        `last card after ${fmt(median(loads.map((l) => l.cards.spanSeconds)))} s; ${text}`,
      pass: acked === bursts[0]!.count && !lost && !dup,
      value: median(bursts.map((b) => b.drainPerSecond)),
    });
  } else {
    rows.push({
      id: 'burst',
      measurement: 'burst of webhooks at once, then drained',
      target: 'all acknowledged, none lost or duplicated',
      measured: `not measured${errorsOf(runs, (run) => run.burst)}`,
      pass: undefined,
    });
  }

  // Every run of every scenario that is not overload by design (the saturation steps are).
  const allLoads: LoadSummary[] = [];
  for (const run of runs) {
    for (const outcome of Object.values(run.p1)) {
      const result = succeeded(outcome);
      if (result) allLoads.push(result.load, ...(result.warmup ? [result.warmup] : []));
    }
    const p2 = succeeded(run.p2);
    if (p2) allLoads.push(p2.load);
    const burst = succeeded(run.burst);
    if (burst) allLoads.push(burst.load);
    for (const outcome of Object.values(run.growth)) {
      const result = succeeded(outcome);
      if (result) allLoads.push(result.p1);
    }
  }
  const total = loadText(allLoads);
  rows.push({
    id: 'all',
    measurement:
      'lost / duplicated cards over every run (P1, P2, burst, G; not the saturation steps)',
    target: '0 / 0',
    measured: allLoads.length ? total.text : 'not measured',
    pass: allLoads.length ? total.lost === 0 && total.dup === 0 : undefined,
    value: total.lost + total.dup,
  });
  return rows;
}

/** Timer lateness through the hub's scheduler: the spread's p99 and the burst's last firing. */
function p3Row(runs: RunResult[]): Row {
  const results = runs.map((run) => succeeded(run.p3)).filter((r) => r !== undefined);
  const errors = errorsOf(runs, (run) => run.p3);
  const measurement = 'SLA timer lateness (10k spread timers; 1k due in one second)';
  const target = 'p99 ≤ 1 s; the burst all fired within 5 s; none fired twice';
  if (results.length === 0) {
    return { id: 'P3', measurement, target, measured: `not measured${errors}` };
  }
  const p99 = median(results.map((r) => r.spread.p99Ms));
  const within = median(results.map((r) => r.burst.allFiredWithinMs));
  const unfired = sum(
    results.map((r) => r.spread.count - r.spread.fired + r.burst.count - r.burst.fired),
  );
  const duplicates = sum(results.map((r) => r.spread.duplicates + r.burst.duplicates));
  const first = results[0]!;
  return {
    id: 'P3',
    measurement,
    target,
    measured:
      `${first.spread.count} spread: p50 ${fmt(median(results.map((r) => r.spread.p50Ms)))} ms, ` +
      `p99 ${fmt(p99)} ms; ${first.burst.count} at once: all fired within ${fmt(within)} ms; ` +
      `not fired ${unfired}, fired twice ${duplicates}${errors}`,
    pass: p99 <= 1000 && within <= 5000 && unfired === 0 && duplicates === 0,
    value: p99,
  };
}
