/**
 * Over 300 lines on purpose: lanes, per-chat pace, holds after refusals and the send state
 * machine share one per-chat state; split, each would reach into the others' maps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Bottleneck from 'bottleneck';
import type { AccountId, Channel } from '../../domain/channel';
import type { OutboundMessage } from '../../domain/message';
import {
  ChannelSendError,
  GIVE_UP_AFTER_MS,
  type DeliveryFailure,
  nextAttemptAfterFailure,
  type OutboxItem,
  resendIsSafe,
} from '../../domain/outbox';
import type { Clock } from '../../domain/ports';
import { CoalescedRun } from '../coalesced-run';
import type { Lease } from '../lease';
import type { OutboxStore } from './ports';

/** A message for a channel this hub has no credentials for (now): retried, it may come back. */
class ChannelNotConnected extends ChannelSendError {
  constructor(channel: Channel) {
    super(`channel ${channel} is not connected`, true);
  }
}

/** The part of a channel adapter the outbox needs. */
export interface ChannelSender {
  /** `account`: the channel's account to send through (absent: the default one). */
  send(
    chatId: string,
    message: OutboundMessage,
    account?: AccountId,
  ): Promise<{ externalId: string }>;
  readonly perChatIntervalMs?: number;
  readonly perSecond?: number;
}

export interface OutboxWorkerDeps {
  store: OutboxStore;
  senders: (channel: Channel) => ChannelSender | undefined;
  /** A link the channel can fetch a stored file from. */
  fileUrl(fileRef: string, name: string): string;
  clock: Clock;
  /**
   * This process's lease on the entries it works on. It must outlast the longest channel call
   * (every adapter has a call timeout), or another process could take over a send still running.
   */
  lease: () => Lease;
  /** The whole message is out; `item` is its last part as stored now (with its receipt). */
  onSent(item: OutboxItem): Promise<void>;
  /** A message finally failed; someone should know (logged, and its author is told). */
  onFailed(item: OutboxItem, reason: DeliveryFailure): Promise<void>;
  /** A chat is held back (its pace, a retry) until `at` (ms): look for due entries again then. */
  wakeAt(at: number): void;
  /** A chat's run stopped on an error of the hub's own (the database); it is picked up again. */
  onError(error: unknown): void;
  /** How a chat's lane waits out its pace between two sends (a real timer unless a test's). */
  pause?(ms: number): Promise<void>;
  /** Entries a pass claims for all chats, and a lane for its own chat (defaults: 200 and 20). */
  batches?: { pass: number; lane: number };
}

/** A chat's lane takes its next entries 20 at a time: at a second each, well in their lease. */
const BATCHES = { pass: 200, lane: 20 };
/**
 * How soon a chat whose earlier entry is live elsewhere is looked at again. Its entries stay
 * claimed by this process, so no other process's wake-up or tick would hand them out: without
 * this look they waited for this process's safety tick.
 */
const BEHIND_ANOTHER_MS = 1000;

interface Lane {
  chat: { channel: Channel; chatId: string };
  queue: OutboxItem[];
  /** Entries one look found nothing of another's before: they go without a look of their own. */
  cleared: Set<string>;
  /** The chat may have more due entries than the lane was handed: it claims them itself. */
  more: boolean;
  done: Promise<void>;
}

const oldestFirst = (a: OutboxItem, b: OutboxItem) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Sends what the outbox holds (ARCHITECTURE.md: "reply → outbox → channels/<name>.send"). Each
 * chat is a lane of its own that runs on its own: its messages go in order and no faster than
 * its channel allows, and a rate limit, an outage or a hung call holds that chat only — a pass
 * hands entries to lanes and returns, never waiting for one. Entries are claimed under a lease,
 * so several processes share the outbox without two sending the same entry; state lives in the
 * store, so a restart resumes where the last process stopped.
 */
export class OutboxWorker {
  /** Per chat: not before this time (ms), after a refusal (a rate limit, an outage). */
  private readonly holds = new Map<string, number>();
  /** Per chat: its next send not before this time (ms): its channel's pace from the last send. */
  private readonly paces = new Map<string, number>();
  private readonly lanes = new Map<string, Lane>();
  /** Entries some lane holds, so a pass that claims them again does not hand them out twice. */
  private readonly taken = new Set<string>();
  /** Sent, but the store did not take the record: recorded, not sent again, when next seen. */
  private readonly unrecorded = new Map<string, string>();
  private readonly passes = new CoalescedRun(() => this.pass());
  /** Per channel: its sends to all chats together kept under the channel's rate. */
  private readonly pacers = new Map<Channel, Bottleneck>();
  /** The last pass took a full batch: more may be due once the lanes have sent it. */
  private more = false;
  private stopped = false;

  constructor(private readonly deps: OutboxWorkerDeps) {}

  /** Claims due entries and hands them to their chats' lanes; resolves without waiting for sends. */
  runOnce(): Promise<number> {
    return this.passes.run();
  }

  /** Resolves once every lane has nothing left to do (tests; a clean stop). */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all([...this.lanes.values()].map((l) => l.done));
  }

  /** Takes no more work, lets calls in flight finish, and hands the rest back to the store. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
    await this.deps.store.release(this.deps.lease().owner);
  }

  /**
   * Entries this process just queued under its own lease: to their chats' lanes at once, with no
   * claim round before the first attempt.
   */
  take(items: OutboxItem[]): void {
    this.handOut(items, this.deps.clock.now().getTime());
  }

  private async pass(): Promise<number> {
    if (this.stopped) return 0;
    const now = this.deps.clock.now().getTime();
    const { pass } = this.deps.batches ?? BATCHES;
    const items = await this.deps.store.claimDue(this.deps.lease(), new Date(now), pass);
    this.more = items.length >= pass;
    return this.handOut(items, now);
  }

  private handOut(items: OutboxItem[], now: number): number {
    let handed = 0;
    // Started once all are handed out, so a lane's first look covers all it was given.
    const started: [string, Lane][] = [];
    for (const item of items) {
      if (this.taken.has(item.id) || this.stopped) continue;
      // One chat id on two accounts of a channel (one person writing to two bots) shares a
      // lane: their sends are paced together, which is only slower, and each goes out through
      // its own entry's account.
      const chatKey = `${item.channel}:${item.chatId}`;
      const lane = this.lanes.get(chatKey);
      if (!lane) {
        const hold = this.holds.get(chatKey) ?? 0;
        if (hold > now) {
          this.deps.wakeAt(hold);
          continue;
        }
      }
      this.taken.add(item.id);
      handed += 1;
      if (lane) {
        lane.queue.push(item);
        continue;
      }
      const fresh: Lane = {
        chat: { channel: item.channel, chatId: item.chatId },
        queue: [item],
        cleared: new Set(),
        more: this.more,
        done: Promise.resolve(),
      };
      this.lanes.set(chatKey, fresh);
      started.push([chatKey, fresh]);
    }
    for (const [chatKey, lane] of started) lane.done = this.runLane(chatKey, lane);
    return handed;
  }

  private async runLane(chatKey: string, lane: Lane): Promise<void> {
    let emptied = false;
    try {
      for (;;) {
        if (this.stopped) break;
        // Oldest first, whatever order a pass, a refill or a new reply handed them in.
        lane.queue.sort(oldestFirst);
        const item = lane.queue.shift() ?? (lane.more ? await this.refill(lane) : undefined);
        emptied = !item;
        if (!item) break;
        const goOn = await this.attempt(chatKey, item, lane);
        this.taken.delete(item.id);
        if (!goOn) break;
      }
    } catch (error) {
      this.deps.onError(error);
    }
    // Synchronously with the last look at the queue, so a pass cannot add to a lane that ended.
    for (const left of lane.queue) this.taken.delete(left.id);
    lane.queue.length = 0;
    this.lanes.delete(chatKey);
    if (emptied && this.more && !this.stopped) this.deps.wakeAt(this.deps.clock.now().getTime());
  }

  /** The chat's next due entries, for its lane to go on with (a pass claims for all chats). */
  private async refill(lane: Lane): Promise<OutboxItem | undefined> {
    const { deps } = this;
    const batch = (deps.batches ?? BATCHES).lane;
    const items = await deps.store.claimDue(deps.lease(), deps.clock.now(), batch, lane.chat);
    lane.more = items.length >= batch;
    for (const item of items) {
      if (this.taken.has(item.id)) continue;
      this.taken.add(item.id);
      lane.queue.push(item);
    }
    // A pass may have handed this lane a later entry meanwhile.
    lane.queue.sort(oldestFirst);
    return lane.queue.shift();
  }

  private pause(ms: number): Promise<void> {
    return this.deps.pause ? this.deps.pause(ms) : sleep(ms);
  }

  /** Sends through the channel's pacer, so all chats together stay under its rate. */
  private paced<T>(channel: Channel, sender: ChannelSender, send: () => Promise<T>): Promise<T> {
    if (!sender.perSecond) return send();
    let pacer = this.pacers.get(channel);
    if (!pacer) {
      // Starts spaced evenly: at most `perSecond` in any second, which is how Telegram counts.
      pacer = new Bottleneck({ minTime: Math.ceil(1000 / sender.perSecond) });
      this.pacers.set(channel, pacer);
    }
    return pacer.schedule(send);
  }

  /**
   * True when an earlier entry of this chat is live elsewhere (another process, a retry), so
   * `item` waits its turn. One look covers `item` and everything its lane holds: entries are
   * stored with their creation time, so none made after the look can be earlier than these, and
   * the lane's next entries go without a look of their own (a refill of 20 costs one look, not
   * 20). Should the look find another's entry among them, each is looked at on its own, as before.
   */
  private async waitsForEarlier(item: OutboxItem, lane: Lane): Promise<boolean> {
    if (lane.cleared.delete(item.id)) return false;
    const { store } = this.deps;
    const last = lane.queue.at(-1);
    if (!last) return store.hasEarlierLive(item);
    const ours = new Set([item.id, ...lane.queue.map((queued) => queued.id)]);
    if (await store.hasEarlierLive(last, ours)) return store.hasEarlierLive(item);
    for (const queued of lane.queue) lane.cleared.add(queued.id);
    return false;
  }

  /** True when the chat may go on to its next entry. */
  private async attempt(chatKey: string, item: OutboxItem, lane: Lane): Promise<boolean> {
    const { deps } = this;
    const now = deps.clock.now();
    const hold = this.holds.get(chatKey) ?? 0;
    if (hold > now.getTime()) {
      deps.wakeAt(hold);
      return false;
    }
    const sender = deps.senders(item.channel);
    const recorded = this.unrecorded.get(item.id);
    if (recorded !== undefined) {
      await this.finish(item, recorded);
      return true;
    }
    // An earlier entry of this chat is live elsewhere (another process, a retry): after it.
    if (await this.waitsForEarlier(item, lane)) {
      deps.wakeAt(now.getTime() + BEHIND_ANOTHER_MS);
      return false;
    }
    if (item.status === 'sending' && !resendIsSafe(item.channel)) {
      // Its process died between marking it in flight and recording the outcome. This channel
      // can neither say whether it arrived nor take a repeat without showing it twice, so it is
      // not sent again: its author is told it may not have arrived (never a silent double).
      const last = await deps.store.markFailed(
        item,
        'the hub stopped while this was in flight; whether it arrived is unknown',
        'unconfirmed',
      );
      await deps.onFailed(last ?? item, 'unconfirmed');
      return true;
    }
    if (!sender) return this.failed(chatKey, item, now, new ChannelNotConnected(item.channel));
    // The chat's pace is waited out here, in its lane, not by ending it: its next entries are
    // already claimed (a pass per message would cost a claim each), and the checks above ran
    // meanwhile. Counted from the last send's start, as the channel counts.
    const pace = (this.paces.get(chatKey) ?? 0) - now.getTime();
    if (pace > 0) await this.pause(pace);
    if (this.stopped) return false;
    return this.send(chatKey, item, sender);
  }

  private async send(chatKey: string, item: OutboxItem, sender: ChannelSender): Promise<boolean> {
    const { deps } = this;
    const now = deps.clock.now();
    // In flight from here: a crash now leaves it `sending`, which the lines above reconcile.
    // Not ours any more (another process took it over, or it failed with an earlier part): the
    // chat goes on, and the check above keeps a later entry behind one still live elsewhere.
    // Marked only where a second send would show twice: where a resend is harmless (VK's
    // `random_id`, the widget's own ids) the mark would cost a write before every send for
    // nothing, and a crash simply leaves the entry to be sent again.
    const marked =
      resendIsSafe(item.channel) || (await deps.store.markSending(item, deps.lease(), now));
    if (!marked) return true;
    let externalId: string;
    try {
      ({ externalId } = await this.paced(item.channel, sender, () => {
        if (sender.perChatIntervalMs) {
          this.paces.set(chatKey, deps.clock.now().getTime() + sender.perChatIntervalMs);
        }
        return sender.send(item.chatId, this.outbound(item), item.account);
      }));
    } catch (error) {
      return this.failed(chatKey, item, now, error);
    }
    // Sent: a failure from here on must not send it again, so it is not treated as a send error.
    this.unrecorded.set(item.id, externalId);
    await this.finish(item, externalId);
    return true;
  }

  private async finish(item: OutboxItem, externalId: string) {
    const { deps } = this;
    const last = await deps.store.markSent(item, externalId, deps.clock.now());
    this.unrecorded.delete(item.id);
    if (last) await deps.onSent(last);
  }

  private async failed(chatKey: string, item: OutboxItem, now: Date, error: unknown) {
    const failure =
      error instanceof ChannelSendError
        ? error
        : new ChannelSendError(error instanceof Error ? error.message : String(error), true);
    const waited = now.getTime() - item.createdAt.getTime();
    const tooLong = waited > GIVE_UP_AFTER_MS;
    if (!failure.retryable || tooLong) {
      const reason: DeliveryFailure =
        failure instanceof ChannelNotConnected
          ? 'channel_off'
          : failure.recipientGone
            ? 'recipient_gone'
            : 'refused';
      const last = await this.deps.store.markFailed(item, failure.message, reason);
      await this.deps.onFailed(last ?? item, reason);
      return true;
    }
    const next = nextAttemptAfterFailure(item.attempts + 1, now, failure.retryAfterMs, waited);
    this.holds.set(chatKey, next.getTime());
    await this.deps.store.markRetry(item, next, failure.message);
    this.deps.wakeAt(next.getTime());
    return false;
  }

  private outbound(item: OutboxItem): OutboundMessage {
    return {
      // The entry's key, not its id: the same cause and part give the same key after a re-queue.
      key: item.key,
      ...(item.text ? { text: item.text } : {}),
      attachments: item.attachments.map((attachment) => {
        const name = attachment.name ?? 'file';
        return {
          kind: attachment.kind,
          url: this.deps.fileUrl(attachment.fileRef, name),
          name,
          ...(attachment.mimeType ? { mimeType: attachment.mimeType } : {}),
          ...(attachment.size !== undefined ? { size: attachment.size } : {}),
        };
      }),
    };
  }
}
