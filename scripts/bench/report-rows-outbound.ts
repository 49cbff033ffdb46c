/** The P4 (outbound under Telegram's limits) and P5 (widget) rows of the report. */
import { errorsOf, fmt, topText, type Row } from './report-format';
import { succeeded, type RunResult } from './results';
import type { P4Driver } from './settings';
import { median, sum } from './stats';

/** Outbound under Telegram's limits, one row per way in (settings.ts, P4_DRIVERS). */
export function p4Rows(runs: RunResult[], drivers: readonly P4Driver[]): Row[] {
  return drivers.map((driver) => p4Row(runs, driver));
}

const P4_HOW: Record<P4Driver, string> = {
  outbox: "queued at once with the hub's outbox repository, as another process would",
  replies:
    "staff replies to the customers' cards through the manager bot's webhook, each staff chat in order",
};

function p4Row(runs: RunResult[], driver: P4Driver): Row {
  const results = runs.map((run) => succeeded(run.p4?.[driver])).filter((r) => r !== undefined);
  const errors = errorsOf(runs, (run) => run.p4?.[driver]);
  const target = 'none lost, no 429 after the first back-off, within 10% of the minimum time';
  const first = results[0];
  const measurement = (messages: number, chats: number) =>
    `outbound under Telegram's limits: ${messages.toLocaleString('en')} messages to ${chats} ` +
    `Telegram chats, ${P4_HOW[driver]}; the fake Bot API answers 429 past 1 msg/s per chat or 30 msgs/s`;
  if (!first) {
    return {
      id: 'P4',
      measurement: measurement(1000, 50),
      target,
      measured: `not measured${errors}`,
      pass: errors ? false : undefined,
    };
  }
  const lost = sum(results.map((r) => r.lost));
  const dup = sum(results.map((r) => r.duplicated));
  const beyond = median(results.map((r) => r.tooMany.beyondFirstPerChat));
  const ratio = median(results.map((r) => r.timing.ratio));
  const m = (pick: (r: (typeof results)[number]) => number | undefined, digits = 1) =>
    fmt(median(results.map(pick)), digits);
  const notTaken = sum(results.map((r) => r.replies?.notTaken));
  const how =
    driver === 'replies'
      ? `replies queued at ${m((r) => r.queued.perSecond)}/s over ${m((r) => r.queued.seconds)} s ` +
        `from ${m((r) => r.replies?.staffChats, 0)} staff chats ` +
        `(${m((r) => r.replies?.redeliveries, 0)} webhook redeliveries` +
        `${notTaken ? `, ${notTaken} never taken` : ''}); `
      : `queued in ${m((r) => r.queued.seconds)} s, first sent ${m((r) => r.timing.pickUpSeconds)} s ` +
        `after they were due (the outbox's safety tick); `;
  return {
    id: 'P4',
    measurement: measurement(first.messages, first.chats),
    target,
    measured:
      `delivered ${m((r) => r.delivered, 0)}/${first.messages}, lost ${lost}, duplicated ${dup}; ` +
      `429s ${m((r) => r.tooMany.total, 0)} in ${m((r) => r.tooMany.chatsHit, 0)} chats, ` +
      `${fmt(beyond, 0)} beyond the first per chat; ${first.timing.from} → last delivered ` +
      `${m((r) => r.timing.seconds)} s vs the limits' minimum ${m((r) => r.timing.minimumSeconds)} s ` +
      `(×${fmt(ratio, 2)}; ${m((r) => r.timing.allAtOnceSeconds)} s for all at once); ${how}` +
      `ready → delivered p50 ${m((r) => r.latency.p50Ms, 0)} ms, p99 ${m((r) => r.latency.p99Ms, 0)} ms; ` +
      `${m((r) => r.roundTrips.perMessageRaw, 1)} database round trips per message` +
      topText(first.roundTrips.top, 3) +
      // Queued slower than the limits let them out: the time says nothing about the limits then.
      (median(results.map((r) => r.timing.minimumSeconds / r.timing.allAtOnceSeconds)) > 1.1
        ? "; the hub's queueing, not Telegram's limits, set the pace"
        : '') +
      errors,
    pass: !lost && !dup && !notTaken && beyond === 0 && ratio <= 1.1 && !errors,
    value: ratio,
  };
}

/** The widget: heap per idle socket, and one visitor's replies through the outbox. */
export function p5Rows(runs: RunResult[]): Row[] {
  const results = runs.map((run) => succeeded(run.p5)).filter((r) => r !== undefined);
  const errors = errorsOf(runs, (run) => run.p5);
  const first = results[0];
  if (!first) {
    return [
      {
        id: 'P5',
        measurement: 'widget: 5k idle sockets, one message to one visitor',
        target: 'heap ≤ 15 KB per socket, delivery p99 ≤ 50 ms',
        measured: `not measured${errors}`,
        pass: errors ? false : undefined,
      },
    ];
  }
  const perSocket = median(results.map((r) => r.heap.perSocketKb));
  const opened = median(results.map((r) => r.socketsOpenAtHeapReading));
  const wanted = first.socketsWanted;
  const p99 = median(results.map((r) => r.delivery.p99Ms));
  const lost = sum(results.map((r) => r.delivery.lost));
  const dup = sum(results.map((r) => r.delivery.duplicated));
  const m = (pick: (r: (typeof results)[number]) => number, digits = 1) =>
    fmt(median(results.map(pick)), digits);
  return [
    {
      id: 'P5',
      measurement: `widget: ${wanted.toLocaleString('en')} idle sockets (socket.io, hello said), the hub's heap per socket`,
      target: `heap ≤ 15 KB per socket, all ${wanted.toLocaleString('en')} open`,
      measured:
        `${fmt(perSocket, 1)} KB per socket (heap ${m((r) => r.heap.beforeMb)} → ${m((r) => r.heap.afterMb)} MB, ` +
        `after a full GC, lowest of several readings; RSS ${m((r) => r.heap.rssPerSocketKb)} KB per socket); ` +
        `${fmt(opened, 0)}/${wanted} open, opened in ${m((r) => r.connectSeconds)} s` +
        (sum(results.map((r) => r.socketsFailed))
          ? `, ${sum(results.map((r) => r.socketsFailed))} failed (${first.firstSocketError ?? ''})`
          : '') +
        (first.capped ? `; ${first.capped}` : '') +
        errors,
      pass: perSocket <= 15 && opened >= wanted && !errors,
      value: perSocket,
    },
    {
      id: 'P5',
      measurement: `widget: staff reply (manager webhook POST) → the visitor's socket, ${first.delivery.messages} replies one after another, with the idle sockets open`,
      target: 'p99 ≤ 50 ms, none lost',
      measured:
        `p50 ${m((r) => r.delivery.p50Ms)} ms, p99 ${fmt(p99)} ms, max ${m((r) => r.delivery.maxMs)} ms; ` +
        `from the outbox entry: p50 ${m((r) => r.delivery.fromQueue.p50Ms)} ms, p99 ${m((r) => r.delivery.fromQueue.p99Ms)} ms; ` +
        `lost ${lost}, duplicated ${dup}` +
        errors,
      pass: p99 <= 50 && !lost && !dup && !errors,
      value: p99,
    },
  ];
}
