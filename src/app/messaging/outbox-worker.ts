import type { Channel } from '../../domain/channel';
import type { OutboundMessage } from '../../domain/message';
import {
  ChannelSendError,
  GIVE_UP_AFTER_MS,
  type DeliveryFailure,
  nextAttemptAfterFailure,
  type OutboxItem,
} from '../../domain/outbox';
import type { Clock } from '../../domain/ports';
import { CoalescedRun } from '../coalesced-run';
import type { OutboxStore } from './ports';

/** A message for a channel this hub has no credentials for (now): retried, it may come back. */
class ChannelNotConnected extends ChannelSendError {
  constructor(channel: Channel) {
    super(`channel ${channel} is not connected`, true);
  }
}

/** The part of a channel adapter the outbox needs. */
export interface ChannelSender {
  send(chatId: string, message: OutboundMessage): Promise<{ externalId: string }>;
  readonly perChatIntervalMs?: number;
}

export interface OutboxWorkerDeps {
  store: OutboxStore;
  senders: (channel: Channel) => ChannelSender | undefined;
  /** A link the channel can fetch a stored file from. */
  fileUrl(fileRef: string, name: string): string;
  clock: Clock;
  onSent(item: OutboxItem): Promise<void>;
  /** A message finally failed; someone should know (logged, and its author is told). */
  onFailed(item: OutboxItem, reason: DeliveryFailure): Promise<void>;
}

const BATCH = 200;

/**
 * Sends what the outbox holds (ARCHITECTURE.md: "reply → outbox → channels/<name>.send"). Each
 * chat gets its messages in order and no faster than its channel allows; a rate limit or an
 * outage holds that chat until the wait is over and leaves every other chat flowing. State lives
 * in the store, so a restart resumes where the last process stopped. Runs in one process: on
 * FerretDB an atomic claim across processes cannot be had (README, "How it scales").
 */
export class OutboxWorker {
  /** Per chat: not before this time (ms), after a send or a refusal. */
  private readonly holds = new Map<string, number>();
  private readonly passes = new CoalescedRun(() => this.pass());
  /** The earliest time a message the last pass had to hold back may go (ms). */
  private heldBackUntil: number | undefined;

  constructor(private readonly deps: OutboxWorkerDeps) {}

  /** One pass over due entries; a call during a pass gets the next one, shared with others. */
  runOnce(): Promise<number> {
    return this.passes.run();
  }

  /** When the outbox must look again for messages held back by a chat's pace or a retry. */
  nextWakeAt(): number | undefined {
    return this.heldBackUntil;
  }

  private async pass(): Promise<number> {
    this.heldBackUntil = undefined;
    const items = await this.deps.store.due(this.deps.clock.now(), BATCH);
    const byChat = new Map<string, OutboxItem[]>();
    for (const item of items) {
      const key = `${item.channel}:${item.chatId}`;
      byChat.set(key, [...(byChat.get(key) ?? []), item]);
    }
    let sent = 0;
    await Promise.all(
      [...byChat].map(async ([key, queue]) => {
        for (const item of queue) {
          if (!(await this.attempt(key, item))) return;
          sent += 1;
        }
      }),
    );
    return sent;
  }

  /** True when the chat may go on to its next message. */
  private async attempt(chatKey: string, item: OutboxItem): Promise<boolean> {
    const { deps } = this;
    const now = deps.clock.now();
    const hold = this.holds.get(chatKey) ?? 0;
    if (hold > now.getTime()) {
      this.heldBackUntil = Math.min(this.heldBackUntil ?? hold, hold);
      return false;
    }
    const sender = deps.senders(item.channel);
    let externalId: string;
    try {
      if (!sender) throw new ChannelNotConnected(item.channel);
      ({ externalId } = await sender.send(item.chatId, this.outbound(item)));
    } catch (error) {
      return this.failed(chatKey, item, now, error);
    }
    // Sent: a failure from here on must not send it again, so it is not treated as a send error.
    await deps.store.markSent(item, externalId, deps.clock.now());
    if (sender.perChatIntervalMs) {
      this.holds.set(chatKey, deps.clock.now().getTime() + sender.perChatIntervalMs);
    }
    await deps.onSent(item);
    return true;
  }

  private async failed(chatKey: string, item: OutboxItem, now: Date, error: unknown) {
    const failure =
      error instanceof ChannelSendError
        ? error
        : new ChannelSendError(error instanceof Error ? error.message : String(error), true);
    const tooLong = now.getTime() - item.createdAt.getTime() > GIVE_UP_AFTER_MS;
    if (!failure.retryable || tooLong) {
      await this.deps.store.markFailed(item, failure.message);
      const reason: DeliveryFailure =
        failure instanceof ChannelNotConnected
          ? 'channel_off'
          : failure.recipientGone
            ? 'recipient_gone'
            : 'refused';
      await this.deps.onFailed(item, reason);
      return true;
    }
    const next = nextAttemptAfterFailure(item.attempts + 1, now, failure.retryAfterMs);
    this.holds.set(chatKey, next.getTime());
    this.heldBackUntil = Math.min(this.heldBackUntil ?? next.getTime(), next.getTime());
    await this.deps.store.markRetry(item, next, failure.message);
    return false;
  }

  private outbound(item: OutboxItem): OutboundMessage {
    return {
      key: item.id,
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
