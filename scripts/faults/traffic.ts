/**
 * The stream a fault is injected into: customers write to the customer bot (message `fault #n`),
 * the dispatcher answers each card by replying to it in the manager bot (`reply #n`), and every
 * webhook is posted the way Telegram posts it — anything but a 2xx answer (an error, a timeout,
 * a refused connection) is delivered again, the same update, until it is taken or time is up.
 */
import { DISPATCHER_TELEGRAM_ID } from '../bench/database';
import { sleep } from '../bench/stats';
import { CUSTOMER_WEBHOOK_PATH, WEBHOOK_SECRET } from '../bench/webhook-client';
import type { FakeApi } from './fake-api';

const MANAGER_WEBHOOK_PATH = '/webhooks/telegram/manager';
/** Telegram gives a webhook about this long before it counts the call as failed. */
const WEBHOOK_TIMEOUT_MS = 10_000;

export interface TrafficOptions {
  hubUrl: string;
  fake: FakeApi;
  messages: number;
  perSecond: number;
  /** Nothing new is posted or redelivered past this (performance.now()). */
  deadline: number;
  /** Every webhook also delivered a second time at once and a third time this much later. */
  duplicateAfterMs?: number;
  /** Called as time passes, with ms since the stream began: the scenario's fault timeline. */
  onTick?: (elapsedMs: number) => Promise<void> | void;
}

export interface TrafficResult {
  /** Customer messages answered 2xx (at least once), by n. */
  inboundAccepted: Set<number>;
  /** Manager replies answered 2xx, with when they were first accepted. */
  repliesAccepted: Map<number, number>;
  /** Manager replies posted at all (a card arrived and was answered), by n. */
  repliesPosted: Set<number>;
  /** Webhook posts in all, and those that had to be delivered again. */
  posts: number;
  redeliveries: number;
  /** Answers by status class: `2xx`, `4xx`, `5xx`, `timeout`, `error`. */
  answers: Record<string, number>;
}

type Outcome = number | 'timeout' | 'error';

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  } catch (error) {
    return error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'error';
  }
}

export const outcomeClass = (outcome: Outcome): string =>
  typeof outcome === 'number' ? `${Math.floor(outcome / 100)}xx` : outcome;

const customerUpdate = (n: number) => ({
  update_id: 100_000 + n,
  message: {
    message_id: 1,
    from: { id: 700_000 + n, is_bot: false, first_name: `Client ${n}` },
    chat: { id: 700_000 + n, type: 'private' },
    date: Math.floor(Date.now() / 1000),
    text: `fault #${n}`,
  },
});

/** The customer of message n, whose chat the reply to it goes to. */
export const customerChat = (n: number) => String(700_000 + n);

const managerReply = (n: number, cardMessageId: number) => ({
  update_id: 500_000 + n,
  message: {
    message_id: 20_000 + n,
    from: { id: DISPATCHER_TELEGRAM_ID, is_bot: false, first_name: 'Dispatcher' },
    chat: { id: DISPATCHER_TELEGRAM_ID, type: 'private' },
    date: Math.floor(Date.now() / 1000),
    text: `reply #${n}`,
    reply_to_message: {
      message_id: cardMessageId,
      from: { id: 2, is_bot: true, first_name: 'faults' },
      chat: { id: DISPATCHER_TELEGRAM_ID, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      text: `fault #${n}`,
    },
  },
});

export async function runTraffic(options: TrafficOptions): Promise<TrafficResult> {
  const { hubUrl, deadline } = options;
  const result: TrafficResult = {
    inboundAccepted: new Set(),
    repliesAccepted: new Map(),
    repliesPosted: new Set(),
    posts: 0,
    redeliveries: 0,
    answers: {},
  };
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const headers = { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET };

  /** One update, as Telegram delivers it: again after each failure, 1 s apart, until 2xx. */
  const deliver = async (path: string, update: object, accepted: () => void) => {
    const body = JSON.stringify(update);
    const once = async () => {
      for (let attempt = 0; performance.now() < deadline; attempt++) {
        if (attempt > 0) result.redeliveries++;
        result.posts++;
        const outcome = await postJson(`${hubUrl}${path}`, body, headers);
        const kind = outcomeClass(outcome);
        result.answers[kind] = (result.answers[kind] ?? 0) + 1;
        if (kind === '2xx') return accepted();
        await sleep(1000);
      }
    };
    const copies = [once()];
    if (options.duplicateAfterMs !== undefined) {
      copies.push(once(), sleep(options.duplicateAfterMs).then(once));
    }
    await Promise.all(copies);
  };

  const began = performance.now();
  let sent = 0;
  let stop = false;
  const replied = new Set<number>();
  const ticker = (async () => {
    while (!stop) {
      await options.onTick?.(performance.now() - began);
      // Each card that arrived gets its reply, once: the manager answers what they see.
      for (const [n, ids] of options.fake.cards) {
        if (replied.has(n) || ids.length === 0) continue;
        replied.add(n);
        result.repliesPosted.add(n);
        track(
          deliver(MANAGER_WEBHOOK_PATH, managerReply(n, ids[0]!), () => {
            if (!result.repliesAccepted.has(n)) result.repliesAccepted.set(n, performance.now());
          }),
        );
      }
      const due = Math.min(
        options.messages,
        Math.floor(((performance.now() - began) / 1000) * options.perSecond) + 1,
      );
      while (sent < due) {
        const n = ++sent;
        track(
          deliver(CUSTOMER_WEBHOOK_PATH, customerUpdate(n), () => result.inboundAccepted.add(n)),
        );
      }
      const allReplied =
        sent === options.messages &&
        pending.size === 0 &&
        [...result.repliesAccepted.keys()].every((n) => options.fake.replies.has(n)) &&
        [...result.inboundAccepted].every((n) => replied.has(n));
      if (allReplied || performance.now() > deadline) break;
      await sleep(200);
    }
  })();
  await ticker;
  stop = true;
  await Promise.all([...pending]);
  return result;
}
