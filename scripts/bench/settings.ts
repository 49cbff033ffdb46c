/**
 * The benchmark's knobs, from the environment. `BENCH_QUICK=1` is a smoke run (one run, short
 * phases, short drains) that finishes within a few minutes whatever the hub does.
 */
const numberFrom = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a number`);
  return value;
};

const listFrom = (name: string, fallback: number[]): number[] => {
  const raw = process.env[name];
  if (!raw?.trim()) return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new Error(`${name}: expected comma-separated positive numbers`);
  }
  return values;
};

export const SCENARIOS = [
  'idle',
  'p1',
  'saturation',
  'p2',
  'burst',
  'p3',
  'p4',
  'p5',
  'reports',
  'growth',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

function scenariosFrom(raw: string | undefined): ScenarioName[] {
  if (!raw?.trim()) return [...SCENARIOS];
  const names = raw.split(',').map((part) => part.trim());
  const unknown = names.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')}`);
  return names as ScenarioName[];
}

/** P4's ways in (p4.ts): queued with the hub's outbox repository, or staff replies. */
export const P4_DRIVERS = ['outbox', 'replies'] as const;
export type P4Driver = (typeof P4_DRIVERS)[number];

function driversFrom(raw: string | undefined): P4Driver[] {
  if (!raw?.trim()) return [...P4_DRIVERS];
  const names = raw.split(',').map((part) => part.trim());
  const unknown = names.filter((name) => !(P4_DRIVERS as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`BENCH_P4_DRIVERS: unknown ${unknown.join(', ')}`);
  return names as P4Driver[];
}

export function loadSettings() {
  const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
  return {
    quick,
    runs: Math.max(1, Math.round(numberFrom('BENCH_RUNS', quick ? 1 : 3))),
    only: scenariosFrom(process.env.BENCH_ONLY),
    /** The whole run stops starting new work past this (each phase is bounded on its own). */
    budgetMs: numberFrom('BENCH_BUDGET_MINUTES', quick ? 3.5 : 25) * 60_000,
    /** Lost = no card this long after the last message was sent. */
    drainMs: numberFrom('BENCH_DRAIN_SECONDS', quick ? 3 : 30) * 1000,
    webhookTimeoutMs: numberFrom('BENCH_WEBHOOK_TIMEOUT_MS', quick ? 3000 : 10_000),
    connections: Math.max(1, Math.round(numberFrom('BENCH_CONNECTIONS', 256))),
    hubStartTimeoutMs: numberFrom('BENCH_HUB_START_SECONDS', 90) * 1000,
    /** After the drain, wait at most this long for the hub's database traffic to go quiet. */
    settleMs: numberFrom('BENCH_SETTLE_SECONDS', quick ? 1 : 5) * 1000,
    idleSeconds: numberFrom('BENCH_IDLE_SECONDS', quick ? 3 : 5),
    /** SIGTERM, then SIGKILL after this long (an overloaded hub's graceful stop can take a while). */
    stopGraceMs: numberFrom('BENCH_STOP_GRACE_SECONDS', quick ? 2 : 5) * 1000,
    p1: {
      rates: listFrom('BENCH_P1_RATES', [50, 200]),
      seconds: numberFrom('BENCH_P1_SECONDS', quick ? 1 : 5),
    },
    saturation: {
      up: listFrom(
        'BENCH_SAT_RATES',
        quick ? [100, 200, 400, 800] : [100, 200, 400, 600, 800, 1000, 1200, 1500, 2000],
      ),
      /** Tried, in order, when even the first step up fails: the hub today is far below it. */
      down: listFrom('BENCH_SAT_DOWN_RATES', quick ? [10] : [50, 20, 10, 5, 2]),
      seconds: numberFrom('BENCH_SAT_SECONDS', quick ? 1 : 3),
      /** Low rates run longer, up to 10 s, to send at least this many. */
      minMessages: quick ? 10 : 20,
      /** A step passes when p99 ≤ this and every card arrived within `drainMs`. */
      p99LimitMs: 1000,
      drainMs: numberFrom('BENCH_SAT_DRAIN_SECONDS', quick ? 3 : 10) * 1000,
    },
    p2: {
      seconds: numberFrom('BENCH_P2_SECONDS', quick ? 5 : 30),
      /** Unset: 90% of this run's saturation rate (at least 1 msg/s). */
      rate: numberFrom('BENCH_P2_RATE', 0),
      rawInsertSeconds: numberFrom('BENCH_RAW_SECONDS', quick ? 2 : 3),
      rawInsertConcurrency: 10,
    },
    burst: {
      count: Math.round(numberFrom('BENCH_BURST_COUNT', quick ? 500 : 2000)),
      drainMs: numberFrom('BENCH_BURST_DRAIN_SECONDS', quick ? 5 : 60) * 1000,
    },
    /** Timers through the hub's scheduler; 10k spread over 2 minutes keeps a run within budget. */
    p3: {
      spread: Math.round(numberFrom('BENCH_P3_SPREAD', quick ? 1000 : 10_000)),
      spreadSeconds: numberFrom('BENCH_P3_SPREAD_SECONDS', quick ? 20 : 120),
      burst: Math.round(numberFrom('BENCH_P3_BURST', quick ? 200 : 1000)),
    },
    /** Outbound under Telegram's limits: messages to customers through the hub's outbox (p4.ts). */
    p4: {
      /** `outbox`: queued with the hub's outbox repository; `replies`: through the manager bot. */
      drivers: driversFrom(process.env.BENCH_P4_DRIVERS),
      messages: Math.round(numberFrom('BENCH_P4_MESSAGES', quick ? 100 : 1000)),
      chats: Math.max(1, Math.round(numberFrom('BENCH_P4_CHATS', quick ? 10 : 50))),
      /** `replies`: dispatchers the customers' cards spread over, each answering in their own chat. */
      staff: Math.max(1, Math.round(numberFrom('BENCH_P4_STAFF', quick ? 5 : 10))),
      /** Manager webhook updates in flight at once (Telegram's `max_connections`, 40 by default). */
      connections: Math.max(1, Math.round(numberFrom('BENCH_P4_CONNECTIONS', 40))),
      /** The customers' first messages and their cards, before any reply. */
      setupMs: numberFrom('BENCH_P4_SETUP_SECONDS', quick ? 30 : 90) * 1000,
      /** `outbox`: the messages are due this long after queueing starts (all at one moment). */
      queueLeadMs: numberFrom('BENCH_P4_QUEUE_LEAD_SECONDS', quick ? 15 : 40) * 1000,
      /** Replies not taken and messages not delivered this long after the first reply: lost. */
      deadlineMs: numberFrom('BENCH_P4_DEADLINE_SECONDS', quick ? 90 : 480) * 1000,
    },
    /** The widget: idle visitors' sockets, then staff replies to one of them. */
    p5: {
      sockets: Math.round(numberFrom('BENCH_P5_SOCKETS', quick ? 500 : 5000)),
      /** Sockets connecting (and saying hello) at once. */
      connectConcurrency: Math.max(1, Math.round(numberFrom('BENCH_P5_CONNECT_CONCURRENCY', 50))),
      /** Opening the sockets stops here; the heap is taken over what opened. */
      connectMs: numberFrom('BENCH_P5_CONNECT_SECONDS', quick ? 60 : 240) * 1000,
      /** Replies to the one visitor, one after another. */
      messages: Math.max(1, Math.round(numberFrom('BENCH_P5_MESSAGES', quick ? 20 : 100))),
      /** Between one reply arriving and the next being sent. */
      gapMs: numberFrom('BENCH_P5_GAP_MS', 100),
      /** A reply not at the visitor's socket this long after it was sent: lost. */
      replyTimeoutMs: numberFrom('BENCH_P5_REPLY_TIMEOUT_SECONDS', 10) * 1000,
      /** Heap readings, a second apart, before and after the sockets (the lowest is kept). */
      heapSamples: Math.max(1, Math.round(numberFrom('BENCH_P5_HEAP_SAMPLES', quick ? 4 : 10))),
    },
    growth: {
      /** Quick mode stops at 10k: writing 100k through the indexes takes minutes here. */
      sizes: listFrom('BENCH_G_SIZES', quick ? [1000, 10_000] : [1000, 10_000, 100_000]),
      /** P1 at each size is measured at this fixed rate. */
      rate: numberFrom('BENCH_G_RATE', 50),
      seconds: numberFrom('BENCH_G_SECONDS', quick ? 1 : 5),
      /** Ingest rate: this many customers write in a closed loop (each waits for its card). */
      concurrency: Math.max(1, Math.round(numberFrom('BENCH_G_CONCURRENCY', 32))),
      ingestSeconds: numberFrom('BENCH_G_INGEST_SECONDS', quick ? 2 : 5),
      /** Stored messages per conversation in the pre-load (so contacts = size / this). */
      messagesPerConversation: 10,
      preloadTimeoutMs: numberFrom('BENCH_G_PRELOAD_SECONDS', 300) * 1000,
    },
  };
}

export type Settings = ReturnType<typeof loadSettings>;
