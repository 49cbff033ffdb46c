import { HttpError, type Api } from 'grammy';
import type { TFunction } from 'i18next';
import pLimit from 'p-limit';
import type {
  NotificationQueue,
  QueuedNotice,
  StaffDelivery,
} from '../../src/app/staff/notification-queue';
import { HeldLeases } from '../../src/app/lease';
import type { Notice } from '../../src/app/process/notices';
import { TELEGRAM_TEXT_LIMIT, truncated } from './card.render';
import type { RecordLabels } from '../../src/app/process/record-labels';
import { sendClientFiles } from './client-files';
import { contextOf } from './notice-context';
import { isRateLimit, retryDelayMs } from './notice-retry';
import type { Naming } from './record-label';
import { renderNotice } from './render-notice';
import { showInPlace } from './show-in-place';

type ClientMessageNotice = Extract<Notice, { kind: 'client_message' }>;

export interface DeliveryDeps {
  queue: NotificationQueue;
  api: Api;
  translate: (lng: 'ru' | 'en') => TFunction;
  timeZone: string;
  clock: { now(): Date };
  /** The bytes of a file a customer sent, from their channel; undefined when it cannot be had. */
  loadFile?: (
    channel: ClientMessageNotice['channel'],
    ref: string,
  ) => Promise<{ data: Buffer; mimeType?: string } | undefined>;
  /** A signed link to a file the hub keeps, for the files a client's history names. */
  fileUrl?: (fileRef: string, name: string) => string;
  /** A customer's file that could not be passed on: logged, as the card already names it. */
  onFileError?: (error: unknown) => void;
  /** A failure of the delivery machinery itself (the store), retried like an outage. */
  onError?: (error: unknown) => void;
  /** How long a held notice's lease lasts; renewed while it waits here. */
  leaseMs?: number;
  /** People sent to at once: each person still gets their notices one at a time, in order. */
  concurrency?: number;
  /** Names the record and client on task cards and red alerts; without it they say less. */
  cards?: { labels: RecordLabels; naming: Naming };
}

interface Recipients {
  items: StaffDelivery[];
  /** After a rate limit or an outage, nothing more goes to these people before this time. */
  notBefore: number;
  attempts: number;
  running: boolean;
  timer?: NodeJS.Timeout;
}

const SAFETY_POLL_MS = 10_000;

/**
 * Delivers staff notices through the manager bot as they are stored, from memory: the process
 * that stored a notice holds its lease and sends it, oldest first per person, many people at
 * once, and writes the outcome (batched with its neighbours'). A rate limit or an outage holds
 * that person's notices until it passes, without holding anyone else's. A rare poll takes over
 * notices whose lease ran out — left by a process that stopped — so several processes share
 * the work and none is sent twice while its holder lives.
 */
export class NoticeDelivery {
  private readonly byRecipients = new Map<string, Recipients>();
  /** Notices held here, so a poll never takes one twice (until their outcome is stored). */
  private readonly held = new HeldLeases();
  /** Sent, and the "sent" not stored yet (the database failed): stored again, never resent. */
  private readonly unrecorded = new Map<string, string[]>();
  private readonly active = new Set<Promise<void>>();
  private readonly limit: pLimit.Limit;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly deps: DeliveryDeps) {
    this.limit = pLimit(deps.concurrency ?? 16);
  }

  start(): void {
    this.stopped = false;
    const leaseMs = this.leaseMs;
    this.timers = [
      setInterval(() => {
        for (const [id, refs] of this.unrecorded) this.recordSent(id, refs);
        void this.claimExpired().catch(this.reportError);
      }, SAFETY_POLL_MS),
      setInterval(() => {
        const now = this.deps.clock.now();
        void this.held
          .renewDue(now, (leaseMs * 2) / 3, new Date(now.getTime() + leaseMs), (ids) =>
            this.deps.queue.renew(ids),
          )
          .catch(this.reportError);
      }, leaseMs / 3),
    ];
  }

  /** Notices this process has just stored (those for clients are not this bot's). */
  push(notices: QueuedNotice[]): void {
    const run = this.deps.queue
      .resolve(notices)
      .then((deliveries) => this.hold(deliveries))
      .catch(this.reportError)
      .finally(() => this.active.delete(run));
    this.active.add(run);
  }

  private hold(deliveries: StaffDelivery[]): void {
    const touched = new Set<string>();
    for (const delivery of deliveries) {
      if (this.held.has(delivery.id)) continue;
      // Stored (or claimed) just now, so its lease runs about this long; renewal keeps a third
      // of a lease in hand for the difference.
      this.held.hold(delivery.id, new Date(this.deps.clock.now().getTime() + this.leaseMs));
      const key = delivery.recipients.map((r) => r.telegramId).join(',');
      let queue = this.byRecipients.get(key);
      if (!queue) {
        queue = { items: [], notBefore: 0, attempts: 0, running: false };
        this.byRecipients.set(key, queue);
      }
      queue.items.push(delivery);
      touched.add(key);
    }
    for (const key of touched) this.kick(key);
  }

  /** Takes over what nobody holds any more, sends whatever is due, and waits until it is sent. */
  async deliverNow(): Promise<void> {
    await this.claimExpired();
    for (const key of this.byRecipients.keys()) this.kick(key);
    while (this.active.size > 0) await Promise.all([...this.active]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const queue of this.byRecipients.values()) clearTimeout(queue.timer);
    // What is not sent yet stays pending; its lease runs out and the next process sends it.
    await Promise.all([...this.active]);
  }

  private get leaseMs(): number {
    return this.deps.leaseMs ?? 60_000;
  }

  private readonly reportError = (error: unknown) => this.deps.onError?.(error);

  private async claimExpired(): Promise<void> {
    if (!this.stopped) this.hold(await this.deps.queue.claimExpired(100));
  }

  private kick(key: string): void {
    const queue = this.byRecipients.get(key);
    if (!queue || queue.running || this.stopped) return;
    if (queue.items.length === 0) {
      this.byRecipients.delete(key);
      return;
    }
    const wait = queue.notBefore - this.deps.clock.now().getTime();
    if (wait > 0) {
      clearTimeout(queue.timer);
      queue.timer = setTimeout(() => this.kick(key), wait);
      return;
    }
    queue.running = true;
    const run = this.limit(() => this.drain(queue)).finally(() => {
      queue.running = false;
      this.active.delete(run);
      this.kick(key);
    });
    this.active.add(run);
  }

  private async drain(queue: Recipients): Promise<void> {
    while (!this.stopped) {
      const delivery = queue.items[0];
      if (!delivery) return;
      const outcome = await this.deliver(delivery);
      if (typeof outcome === 'object') {
        // A rate limit says how long to wait; only failures lengthen the back-off, or a run of
        // 429s would leave the first 500 after them waiting minutes.
        if (!isRateLimit(outcome.retry)) queue.attempts += 1;
        const delay = retryDelayMs(outcome.retry, Math.max(1, queue.attempts)) ?? 1000;
        queue.notBefore = this.deps.clock.now().getTime() + delay;
        return;
      }
      queue.attempts = 0;
      queue.items.shift();
      if (outcome === 'failed') this.held.release(delivery.id);
    }
  }

  /**
   * Stores "sent" without holding the person's next notice: the writes of notices sent one after
   * another are batched (group commit), so a burst of cards to one dispatcher is not one database
   * round trip per card. The notice stays held (its lease renewed) until the write lands.
   */
  private recordSent(id: string, refs: string[]): void {
    this.unrecorded.delete(id);
    const write = this.deps.queue.markSent(id, refs).then(
      () => {
        this.held.release(id);
      },
      (error: unknown) => {
        this.unrecorded.set(id, refs);
        this.reportError(error);
      },
    );
    const run = write.finally(() => this.active.delete(run));
    this.active.add(run);
  }

  /** Sends one notice to each of its recipients; the error when it should be tried again. */
  private async deliver(delivery: StaffDelivery): Promise<'sent' | 'failed' | { retry: unknown }> {
    const { deps } = this;
    try {
      const refs: string[] = [];
      const context = await contextOf(delivery.notice, deps.cards?.labels, deps.onError);
      const { notice, shownAt } = await asShownBefore(delivery.notice, deps.queue);
      for (const recipient of delivery.recipients) {
        // An alert to several heads that failed halfway resumes where it stopped.
        if (delivery.deliveredTo.includes(recipient.telegramId)) continue;
        const t = deps.translate(recipient.language);
        const rendered = renderNotice(notice, t, recipient.language, deps, context);
        // Telegram refuses a text over its limit for good, which would lose the notice: a client's
        // card is cut with a "full text" button already; anything else that is too long is cut.
        const message = {
          ...rendered,
          text: truncated(rendered.text, TELEGRAM_TEXT_LIMIT, '…') ?? rendered.text,
        };
        if (await showInPlace(delivery, recipient.telegramId, message, deps, shownAt)) continue;
        const sent = await deps.api.sendMessage(
          recipient.telegramId,
          message.text,
          'keyboard' in message ? { reply_markup: message.keyboard } : {},
        );
        // Where a client's card or a red alert was shown: replying to a client's card answers the
        // client, and an edit or a Take changes it there.
        const kind = delivery.notice.kind;
        if (kind === 'client_message' || kind === 'client_history' || kind === 'problem')
          refs.push(`${recipient.telegramId}:${sent.message_id}`);
        if (delivery.notice.kind === 'client_message')
          await sendClientFiles(deps, recipient.telegramId, sent.message_id, delivery.notice);
        if (delivery.recipients.length > 1) {
          await deps.queue.markDeliveredTo(delivery.id, recipient.telegramId);
          delivery.deliveredTo.push(recipient.telegramId);
        }
      }
      this.recordSent(delivery.id, refs);
      return 'sent';
    } catch (error) {
      if (retryDelayMs(error, 1) !== undefined) return { retry: error };
      // Anything else (blocked by the person, a notice that cannot be shown) will not get
      // better by retrying; it is kept as failed, with the reason, and the queue moves on.
      try {
        await deps.queue.markFailed(
          delivery.id,
          error instanceof Error ? error.message : String(error),
        );
        return 'failed';
      } catch (storeError) {
        this.reportError(storeError);
        return { retry: new HttpError('the notice could not be marked', storeError) };
      }
    }
  }
}

/**
 * A customer's edit redraws the card that showed the message: with the tasks that card carried
 * (a new lead's first), so their buttons stay. One read, which also says where it was shown.
 */
async function asShownBefore(
  notice: StaffDelivery['notice'],
  queue: NotificationQueue,
): Promise<{ notice: StaffDelivery['notice']; shownAt?: string[] }> {
  if (notice.kind !== 'client_message' || !notice.edited) return { notice };
  const shown = await queue.clientMessageShown(notice.messageId);
  return {
    notice: shown.tasks.length > 0 ? { ...notice, tasks: shown.tasks } : notice,
    shownAt: shown.refs,
  };
}
