/**
 * Over 300 lines on purpose: the inbox's promises (each key once, each chat in order, leases
 * held and renewed, the window past which a burst waits in the store, retries and parking)
 * share one set of per-chat and per-item state; split, each part would reach into the others'.
 */
import { createHash, randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { chatOf, identityKey } from '../../domain/channel';
import type { InboundMessage } from '../../domain/message';
import type { Clock } from '../../domain/ports';
import { KeyedLock } from '../keyed-lock';
import { HeldLeases } from '../lease';
import type { InboxItem, InboxStore, ParkedItem } from './ports';

export interface InboxOptions {
  store: InboxStore;
  /**
   * Everything after the acknowledgement: contact, conversation, lead, routing, cards. `resumed`:
   * taken from the store (a retry, or another process's), not just accepted here.
   */
  ingest(message: InboundMessage, options: { resumed: boolean }): Promise<unknown>;
  clock: Clock;
  /** How long an item stays with the process that took it before another may take it over. */
  leaseMs?: number;
  /** The safety net: how often items left by a crashed process (or due retries) are looked for. */
  pollMs?: number;
  /** Attempts before an item is parked for admins instead of blocking its chat for ever. */
  maxAttempts?: number;
  /** Chats ingested at once: more only queue at the database, ahead of the acknowledgements. */
  concurrency?: number;
  /**
   * Items held in memory at most. Past it (a burst) an accepted item is stored for whoever takes
   * it first and taken from the store as room frees, oldest first: the backlog waits in the
   * database, where it costs nothing, not in leases renewed while it waits.
   */
  window?: number;
  onError(error: unknown, item: InboxItem): void;
  onParked(item: InboxItem, error: string): void;
}

/** The dedupe key: a message, or one particular edit of it (the same edit redelivered is one). */
export function inboxKey(message: InboundMessage): string {
  const base = `${message.channel}:${message.externalId}`;
  if (!message.edited) return base;
  const content = JSON.stringify([message.text ?? '', message.attachments.map((a) => a.fileRef)]);
  return `${base}:edit:${createHash('sha256').update(content).digest('base64url').slice(0, 16)}`;
}

const backoffMs = (attempts: number) => Math.min(1000 * 2 ** (attempts - 1), 60_000);
/** How long an item waits when another process is on an earlier message of its chat. */
const BEHIND_ANOTHER_MS = 1000;

/**
 * Acknowledge after one durable write (ARCHITECTURE.md, "core inbox"): a channel's delivery is
 * stored under its dedupe key and answered, and ingest runs from here — at once in the process
 * that took the delivery, one message at a time per chat and in order; after a crash, by whichever
 * process finds the lease expired. A failing item is retried with back-off while its chat's later
 * messages wait behind it, and is parked after bounded attempts so one poison message cannot
 * hold a customer's conversation for ever.
 */
export class Inbox {
  private readonly owner = randomUUID();
  private readonly chats = new KeyedLock();
  private readonly limit: pLimit.Limit;
  /** Chats whose oldest message waits for a retry: later ones queue behind it in the store. */
  private readonly blocked = new Map<string, Date>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Items taken here and not finished: their leases are renewed while they wait or run. */
  private readonly held = new HeldLeases();
  /** Accepted, and their leased write not answered yet: they count against the window. */
  private reserved = 0;
  /**
   * Set once an item was stored for later (the window was full). Until the store has none left,
   * later messages are stored for later too, so that none overtakes an earlier one of its chat.
   */
  private overflowing = false;
  /** Writes of items stored for later: started so far, and not answered yet. */
  private unheldStarted = 0;
  private unheldWriting = 0;
  private poll: NodeJS.Timeout | undefined;
  private renewal: NodeJS.Timeout | undefined;
  private wakeAt: { at: number; timer: NodeJS.Timeout } | undefined;
  private recovering: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: InboxOptions) {
    this.limit = pLimit(options.concurrency ?? 64);
  }

  private get leaseMs() {
    return this.options.leaseMs ?? 30_000;
  }

  private get window() {
    return this.options.window ?? 256;
  }

  private lease() {
    return {
      owner: this.owner,
      until: new Date(this.options.clock.now().getTime() + this.leaseMs),
    };
  }

  /** The channel's sink: resolves once the message is durably queued (or already was). */
  async accept(message: InboundMessage): Promise<void> {
    const item: InboxItem = {
      key: inboxKey(message),
      chat: identityKey(chatOf(message)),
      message,
      receivedAt: this.options.clock.now(),
      attempts: 0,
    };
    if (this.overflowing || this.held.size + this.reserved >= this.window) {
      this.overflowing = true;
      this.unheldStarted += 1;
      this.unheldWriting += 1;
      try {
        await this.options.store.add(item);
      } finally {
        this.unheldWriting -= 1;
      }
      return;
    }
    this.reserved += 1;
    const lease = this.lease();
    let added: boolean;
    try {
      added = await this.options.store.add(item, lease);
    } finally {
      this.reserved -= 1;
    }
    if (added) this.schedule(item, lease.until, false);
  }

  start(): void {
    this.stopped = false;
    this.poll = setInterval(() => void this.recover(), this.options.pollMs ?? 5000);
    this.poll.unref();
    // A burst queues here longer than a lease: without renewal another process would take the
    // items over while this one still works through them, and both would ingest them.
    let renewing = false;
    this.renewal = setInterval(() => {
      if (this.held.size === 0 || renewing) return; // a slow renewal is not stacked on
      renewing = true;
      const lease = this.lease();
      this.held
        .renewDue(this.options.clock.now(), (this.leaseMs * 2) / 3, lease.until, (keys) =>
          this.options.store.renew(keys, lease),
        )
        .catch(() => undefined)
        .finally(() => (renewing = false));
    }, this.leaseMs / 3);
    this.renewal.unref();
    void this.recover();
  }

  /** Stops taking work and waits for what is running; unstarted items stay for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearInterval(this.renewal);
    clearTimeout(this.wakeAt?.timer);
    await this.drained();
  }

  /** Resolves when every message this process has taken is ingested (or waits for a retry). */
  async drained(): Promise<void> {
    while (this.inFlight.size > 0 || this.recovering) {
      await Promise.allSettled([...this.inFlight, this.recovering]);
    }
  }

  /** What admins see of the items given up on (`/inbox` in the manager bot). */
  parked(limit = 20): Promise<ParkedItem[]> {
    return this.options.store.parked(limit);
  }

  /** An admin asks for a parked item to be tried again: it is ingested now, in its chat's order. */
  async retryParked(key: string): Promise<boolean> {
    if (!(await this.options.store.unpark(key))) return false;
    void this.recover();
    return true;
  }

  /** An admin drops a parked item for good. */
  discardParked(key: string): Promise<boolean> {
    return this.options.store.discard(key);
  }

  /**
   * Takes over items whose lease ran out (a crashed process's, retries now due) and items stored
   * for later, as many as the window has room for.
   */
  recover(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // Cleared in `finally`, which always runs after the assignment (a look that ends before its
    // first await would otherwise clear it first, and every later call would get its old promise).
    this.recovering ??= this.takeOver()
      .catch(() => undefined) // the database is away; the next poll tries again
      .finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async takeOver(): Promise<void> {
    for (;;) {
      const room = Math.min(200, this.window - this.held.size - this.reserved);
      if (room <= 0) return; // items finishing call again
      // Stored for later before this look (and none being stored): the look sees them all.
      const settled = this.unheldWriting === 0 ? this.unheldStarted : undefined;
      const lease = this.lease();
      const items = await this.options.store.claimExpired(lease, this.options.clock.now(), room);
      // Taken over: an earlier message of the same chat may be with another process right now
      // (its own webhook, or taken a moment before); this one waits for it, as within a process.
      // Should that look fail (the database just went away), the items taken are run as before,
      // not left under a lease nobody works on until it runs out.
      const behind = await this.options.store
        .earlierElsewhere(items, this.owner)
        .catch(() => new Set<string>());
      for (const item of items) {
        if (behind.has(item.key)) this.waitBehind(item);
        else this.schedule(item, lease.until, true);
      }
      if (items.length < room) {
        if (settled === this.unheldStarted) this.overflowing = false;
        return;
      }
    }
  }

  private schedule(item: InboxItem, leaseUntil: Date, resumed: boolean): void {
    if (this.held.has(item.key)) return;
    this.held.hold(item.key, leaseUntil);
    const run = this.chats.run(item.chat, () => this.limit(() => this.process(item, resumed)));
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      this.held.release(item.key);
      if (this.overflowing && this.held.size <= this.window / 2) void this.recover();
    });
  }

  private async process(item: InboxItem, resumed: boolean): Promise<void> {
    // Stopping: what has not started stays in the store, for the next start or another process.
    if (this.stopped) return;
    const { store, clock } = this.options;
    const blockedUntil = this.blocked.get(item.chat);
    if (blockedUntil && blockedUntil > clock.now()) {
      // An earlier message of this chat waits for its retry: keep the order, wait behind it.
      await store
        .retryAt(
          item.key,
          this.owner,
          item.attempts,
          blockedUntil,
          'waiting for an earlier message',
        )
        .catch(() => undefined);
      return;
    }
    this.blocked.delete(item.chat);
    try {
      await this.options.ingest(item.message, { resumed });
    } catch (error) {
      await this.failed(item, error);
      return;
    }
    // Deleted only now: an item still in the store may be unfinished, and is finished by
    // whichever process takes it (resumed). Not deleted (the database went away): the lease runs
    // out and the item is finished again, which every step of ingest allows.
    await store
      .done(item.key, this.owner)
      .catch((error: unknown) => this.options.onError(error, item));
  }

  private async failed(item: InboxItem, error: unknown): Promise<void> {
    const { store, clock } = this.options;
    this.options.onError(error, item);
    const attempts = item.attempts + 1;
    const reason = error instanceof Error ? error.message : String(error);
    try {
      if (attempts >= (this.options.maxAttempts ?? 8)) {
        await store.park(item.key, this.owner, attempts, reason);
        this.options.onParked(item, reason);
        return;
      }
      const at = new Date(clock.now().getTime() + backoffMs(attempts));
      await store.retryAt(item.key, this.owner, attempts, at, reason);
      this.blocked.set(item.chat, at);
      this.wakeForRetry(at);
    } catch {
      // The failure could not even be noted: the lease runs out and the safety net retries.
    }
  }

  /**
   * Another process has an earlier message of this item's chat: this one goes back to the store
   * and is looked at again in a moment, when that one is likely done.
   */
  private waitBehind(item: InboxItem): void {
    const at = new Date(this.options.clock.now().getTime() + BEHIND_ANOTHER_MS);
    const wait = this.options.store
      .retryAt(item.key, this.owner, item.attempts, at, 'waiting for an earlier message')
      .then(
        () => this.wakeForRetry(at),
        () => undefined, // its lease runs out and the safety net takes it
      )
      .finally(() => this.inFlight.delete(wait));
    this.inFlight.add(wait);
  }

  /** Looks for due retries at the earliest retry's time rather than at the next safety poll. */
  private wakeForRetry(at: Date): void {
    if (this.wakeAt && this.wakeAt.at <= at.getTime()) return;
    clearTimeout(this.wakeAt?.timer);
    const timer = setTimeout(
      () => {
        this.wakeAt = undefined;
        void this.recover();
      },
      at.getTime() - this.options.clock.now().getTime() + 10,
    );
    timer.unref();
    this.wakeAt = { at: at.getTime(), timer };
  }
}
