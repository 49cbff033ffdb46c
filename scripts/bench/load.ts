/**
 * Offered load. Open loop: messages go out on their schedule whatever the hub answers, and each
 * answer and card is timed against the moment its message left. Closed loop (ingest rate): a fixed
 * number of customers each write, wait for their card, and write again.
 * (Over 300 lines on purpose: one measuring tool read top to bottom, as its README describes.)
 */
import type { FakeBotApi } from './fake-bot-api';
import { interruption } from './interrupt';
import { max, percentile, round, sleep } from './stats';
import type { CustomerMessage, PostResult, WebhookClient } from './webhook-client';

export interface SentMessage {
  n: number;
  /** performance.now() when it was handed to the HTTP client. */
  sentAt: number;
  /** How late that was against the schedule. */
  lagMs: number;
  result?: PostResult;
}

export interface OpenLoopRun {
  sent: SentMessage[];
  firstSentAt: number;
  lastSentAt: number;
  /** Resolves when every POST has been answered, failed or timed out (so, bounded). */
  answered: Promise<void>;
}

/** Sends at `rate` per second (Infinity: all at once), on schedule. */
export async function sendOpenLoop(
  client: WebhookClient,
  messages: readonly CustomerMessage[],
  rate: number,
  onSent?: (count: number) => void,
): Promise<OpenLoopRun> {
  const sent: SentMessage[] = [];
  const posts: Promise<void>[] = [];
  const start = performance.now();
  const interval = Number.isFinite(rate) && rate > 0 ? 1000 / rate : 0;
  let i = 0;
  let sinceYield = 0;
  while (i < messages.length && !interruption.requested) {
    const due = start + i * interval;
    const now = performance.now();
    if (due > now + 0.5) {
      await sleep(Math.max(1, due - now));
      sinceYield = 0;
      continue;
    }
    const record: SentMessage = { n: messages[i]!.n, sentAt: now, lagMs: Math.max(0, now - due) };
    sent.push(record);
    posts.push(
      client.post(messages[i]!).then((result) => {
        record.result = result;
      }),
    );
    i++;
    onSent?.(i);
    // Behind schedule (or a burst): still let answers and cards be timed as they come.
    if (++sinceYield >= 50) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return {
    sent,
    firstSentAt: sent[0]?.sentAt ?? start,
    lastSentAt: sent.at(-1)?.sentAt ?? start,
    answered: Promise.all(posts).then(() => {}),
  };
}

/**
 * Waits until every message's card has arrived, or `drainMs` after the last was sent, or
 * `giveUp()` says the outcome is already known. Returns whether all arrived.
 */
export async function drain(
  fake: FakeBotApi,
  run: OpenLoopRun,
  drainMs: number,
  giveUp?: (pending: SentMessage[], now: number) => boolean,
): Promise<{ complete: boolean; gaveUp: boolean }> {
  let pending = run.sent;
  const deadline = run.lastSentAt + drainMs;
  for (;;) {
    pending = pending.filter((message) => !fake.cards.has(message.n));
    const now = performance.now();
    if (pending.length === 0) return { complete: true, gaveUp: false };
    if (interruption.requested) return { complete: false, gaveUp: true };
    if (giveUp?.(pending, now)) return { complete: false, gaveUp: true };
    if (now >= deadline) return { complete: false, gaveUp: false };
    await sleep(Math.min(20, deadline - now));
  }
}

export interface LoadSummary {
  offeredRate: number | 'burst';
  sent: number;
  sendSeconds: number;
  /** The bench's own lateness against its schedule: a loaded bench shows here. */
  sendLagP99Ms: number;
  acks: {
    ok: number;
    byStatus: Record<string, number>;
    non2xx: number;
    timeouts: number;
    errors: number;
    /** Not answered yet when the summary was taken (still in flight). */
    unanswered: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    firstError?: string;
  };
  cards: {
    arrived: number;
    lost: number;
    duplicated: number;
    p50Ms: number;
    p99Ms: number;
    /** p99 with the lost counted as never arriving: Infinity (null in JSON) past 1% lost. */
    p99WithLostMs: number;
    maxMs: number;
    /** First message sent → last card, in seconds. */
    spanSeconds: number;
    /** Cards per second over that span. */
    perSecond: number;
  };
  drainMs: number;
  drainComplete: boolean;
}

export function summarize(
  fake: FakeBotApi,
  run: OpenLoopRun,
  offeredRate: number,
  drainMs: number,
): LoadSummary {
  const byStatus: Record<string, number> = {};
  const ackTimes: number[] = [];
  const latencies: number[] = [];
  let ok = 0;
  let timeouts = 0;
  let errors = 0;
  let unanswered = 0;
  let duplicated = 0;
  let lastArrival = run.firstSentAt;
  let firstError: string | undefined;
  for (const message of run.sent) {
    const result = message.result;
    if (!result) unanswered++;
    else {
      const key = String(result.outcome);
      byStatus[key] = (byStatus[key] ?? 0) + 1;
      ackTimes.push(result.ackMs);
      if (typeof result.outcome === 'number' && result.outcome >= 200 && result.outcome < 300) ok++;
      else if (result.outcome === 'timeout') timeouts++;
      else if (result.outcome === 'error') errors++;
      if (result.error && !firstError) firstError = result.error;
    }
    const arrivals = fake.cards.get(message.n);
    if (arrivals?.length) {
      latencies.push(arrivals[0]! - message.sentAt);
      lastArrival = Math.max(lastArrival, arrivals[0]!);
      if (arrivals.length > 1) duplicated++;
    }
  }
  const spanSeconds = (lastArrival - run.firstSentAt) / 1000;
  const answeredNon2xx = run.sent.length - ok - timeouts - errors - unanswered;
  return {
    offeredRate: Number.isFinite(offeredRate) ? offeredRate : 'burst',
    sent: run.sent.length,
    sendSeconds: round((run.lastSentAt - run.firstSentAt) / 1000, 3),
    sendLagP99Ms: round(
      percentile(
        run.sent.map((m) => m.lagMs),
        0.99,
      ),
    ),
    acks: {
      ok,
      byStatus,
      non2xx: answeredNon2xx,
      timeouts,
      errors,
      unanswered,
      p50Ms: round(percentile(ackTimes, 0.5)),
      p99Ms: round(percentile(ackTimes, 0.99)),
      maxMs: round(max(ackTimes)),
      ...(firstError ? { firstError } : {}),
    },
    cards: {
      arrived: latencies.length,
      lost: run.sent.length - latencies.length,
      duplicated,
      p50Ms: round(percentile(latencies, 0.5)),
      p99Ms: round(percentile(latencies, 0.99)),
      p99WithLostMs: round(
        percentile(
          [...latencies, ...Array<number>(run.sent.length - latencies.length).fill(Infinity)],
          0.99,
        ),
      ),
      maxMs: round(max(latencies)),
      spanSeconds: round(spanSeconds, 3),
      perSecond: round(spanSeconds > 0 ? latencies.length / spanSeconds : NaN),
    },
    drainMs,
    drainComplete: latencies.length === run.sent.length,
  };
}

/** Messages n = first…first+count-1, each from its own customer (or the given one). */
export function messages(
  count: number,
  first: number,
  customerOf: (i: number) => number,
  messageId = 1,
): CustomerMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    n: first + i,
    customerId: customerOf(i),
    messageId,
  }));
}

export interface ClosedLoopSummary {
  concurrency: number;
  /** The window: at least the seconds asked, longer (up to the extra time) for a slow hub. */
  seconds: number;
  /** Cards that arrived inside the window, per second. */
  perSecond: number;
  completed: number;
  postFailures: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * `concurrency` customers each write and wait for their card, for `seconds`; a hub so slow that
 * fewer than `concurrency` cards came back by then is given up to `extraMs` more, so that it
 * still gets a rate (the same rule at every size keeps the rates comparable).
 */
export async function closedLoop(
  client: WebhookClient,
  fake: FakeBotApi,
  options: {
    concurrency: number;
    seconds: number;
    extraMs: number;
    next(): CustomerMessage;
  },
): Promise<ClosedLoopSummary> {
  const started = performance.now();
  const minEnd = started + options.seconds * 1000;
  const maxEnd = minEnd + options.extraMs;
  const latencies: number[] = [];
  let postFailures = 0;
  let windowEnd = 0;
  let closeWindow = () => {};
  const closed = new Promise<void>((resolve) => (closeWindow = resolve));
  const isOpen = () => windowEnd === 0;
  const check = setInterval(() => {
    const now = performance.now();
    if (
      interruption.requested ||
      now >= maxEnd ||
      (now >= minEnd && latencies.length >= options.concurrency)
    ) {
      windowEnd = now;
      clearInterval(check);
      closeWindow();
    }
  }, 10);
  const worker = async () => {
    while (isOpen()) {
      const message = options.next();
      const sentAt = performance.now();
      const result = await Promise.race([client.post(message), closed.then(() => undefined)]);
      if (!isOpen()) break;
      const ok = typeof result?.outcome === 'number' && result.outcome < 300;
      if (!ok) {
        postFailures++;
        // A hub answering errors at once must not be spun against.
        await sleep(50);
      }
      const arrived = await Promise.race([
        fake.waitForCard(message.n, Math.max(0, maxEnd - performance.now())),
        closed.then(() => false),
      ]);
      if (arrived && isOpen()) latencies.push(fake.cards.get(message.n)![0]! - sentAt);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  clearInterval(check);
  const seconds = ((windowEnd || performance.now()) - started) / 1000;
  return {
    concurrency: options.concurrency,
    seconds: round(seconds, 2),
    perSecond: round(latencies.length / seconds, 2),
    completed: latencies.length,
    postFailures,
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
  };
}
