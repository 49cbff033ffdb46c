/**
 * Over 300 lines on purpose: an outbox entry's states (queued, claimed, sending, sent, retried,
 * failed) and their transitions are one state machine whose filters guard each other; kept in
 * one file so a change to one transition is read beside the others.
 */
import { accountOf } from '../../domain/channel';
import type { Collection } from 'mongodb';
import type { Types } from 'mongoose';
import type { OutboxStore, ReceiptState } from '../../app/messaging/ports';
import {
  outboundParts,
  outboxKey,
  type DeliveryFailure,
  type OutboxItem,
} from '../../domain/outbox';
import { isDuplicateKeyError } from '../database';
import type { Models } from '../models';
import { claimAsRead } from './leases';
import { oid, plain } from './plain';

const LIVE: ('pending' | 'sending')[] = ['pending', 'sending'];
const FAILURES = [
  'recipient_gone',
  'channel_off',
  'refused',
  'unconfirmed',
] as const satisfies readonly DeliveryFailure[];

export function createOutboxStore(models: Models): OutboxStore {
  const { Message, Outbox } = models;
  const entriesOf = async (messageId: Types.ObjectId) =>
    Outbox.find({ messageId }).sort({ part: 1 }).lean();

  return {
    async enqueue(message, at, lease) {
      const conversationId = oid(message.conversationId);
      const authorUserId = message.authorUserId ? oid(message.authorUserId) : undefined;
      // Our own key until the channel assigns an id; unique with the channel, so the cause is
      // stored once even when two deliveries of it race. Written first: a cause is nearly always
      // new, and its unique key tells the rare repeat without a lookup before every message.
      const externalId = `out:${message.cause}`;
      let stored;
      let duplicate = false;
      try {
        stored = (
          await Message.create({
            conversationId,
            channel: message.channel,
            direction: 'outbound',
            externalId,
            text: message.text,
            attachments: message.attachments,
            status: 'queued',
            authorUserId,
            sentAt: at,
          })
        ).toObject();
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        stored = await Message.findOne({ channel: message.channel, externalId }).lean();
        duplicate = true;
      }
      if (!stored) throw new Error(`outbound message ${externalId} vanished while queueing`);
      const parts = outboundParts(message.channel, message);
      // A message stored just now has no entries yet.
      const existing = duplicate ? await entriesOf(stored._id) : [];
      // A crash between the message and its entries leaves some missing: add exactly those.
      const have = new Set(existing.map((entry) => entry.part));
      const missing = parts
        .map((part, index) => ({ part, index }))
        .filter(({ index }) => !have.has(index))
        .map(({ part, index }) => ({
          key: outboxKey(message.cause, index),
          messageId: stored._id,
          part: index,
          parts: parts.length,
          conversationId,
          channel: message.channel,
          ...accountOf(message),
          chatId: message.chatId,
          text: part.text,
          attachments: part.attachments,
          nextAttemptAt: at,
          authorUserId,
          receipt: message.receipt,
          ...(lease ? { owner: lease.owner, leaseUntil: lease.until } : {}),
        }));
      let entries: OutboxItem[] = [];
      if (missing.length > 0) {
        // In part order, so the chat's order (createdAt, then _id) is the parts' order.
        entries = await Outbox.insertMany(missing, { ordered: true }).then(
          (docs) => docs.map((doc) => toItem(doc.toObject())),
          (error: unknown) => {
            // Another call stored them meanwhile: its worker or a pass sends them.
            if (!isDuplicateKeyError(error)) throw error;
            return [];
          },
        );
      }
      return {
        messageId: stored._id.toHexString(),
        sentAt: stored.sentAt,
        duplicate: duplicate && missing.length === 0,
        hasReceipt: existing.some((entry) => entry.receipt?.messageId !== undefined),
        entries,
      };
    },

    async claimDue(lease, now, limit, chat) {
      // One query per live status, each an equality and one range that every engine serves from
      // an index (an `$in` or `$or` here was a scan of the whole outbox, sent history included);
      // whose lease ran out is checked here, and `claimAsRead` takes them atomically.
      const heads = { _id: 1, owner: 1, leaseUntil: 1, status: 1, nextAttemptAt: 1, createdAt: 1 };
      const live = await Promise.all(
        LIVE.map((status) =>
          chat
            ? Outbox.find({ channel: chat.channel, chatId: chat.chatId, status }, heads)
                .sort({ createdAt: 1 })
                .limit(limit)
                .lean()
            : Outbox.find({ status, nextAttemptAt: { $lte: now } }, heads)
                .sort({ nextAttemptAt: 1 })
                .limit(limit)
                .lean(),
        ),
      );
      const claimable = live
        .flat()
        .filter(
          (doc) =>
            doc.nextAttemptAt <= now &&
            (!doc.leaseUntil || doc.leaseUntil <= now || doc.owner === lease.owner),
        )
        .sort(
          (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || cmp(`${a._id}`, `${b._id}`),
        )
        .slice(0, limit);
      const collection = Outbox.collection as unknown as Collection<(typeof claimable)[number]>;
      const docs = await claimAsRead(collection, claimable, lease, ['status', 'nextAttemptAt']);
      return docs
        .map((doc) => toItem(doc))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || cmp(a.id, b.id));
    },

    async hasEarlierLive(item, ours = new Set([item.id])) {
      // Per status, equality and one range (see claimDue): the chat's oldest live entries of
      // each, up to this one, enough of them to see past the caller's own.
      const found = await Promise.all(
        LIVE.map((status) =>
          Outbox.find(
            {
              channel: item.channel,
              chatId: item.chatId,
              status,
              createdAt: { $lte: item.createdAt },
            },
            { _id: 1, createdAt: 1 },
          )
            .sort({ createdAt: 1, _id: 1 })
            .limit(ours.size)
            .lean(),
        ),
      );
      return found
        .flat()
        .some(
          (doc) =>
            !ours.has(`${doc._id}`) &&
            (doc.createdAt < item.createdAt ||
              (doc.createdAt.getTime() === item.createdAt.getTime() && `${doc._id}` < item.id)),
        );
    },

    async markSending(item, lease, now) {
      const updated = await Outbox.updateOne(
        { _id: oid(item.id), owner: lease.owner, status: item.status },
        {
          $set: {
            status: 'sending',
            sendingSince: now,
            // Not due again before the lease ends: only a dead process's send is looked at again.
            nextAttemptAt: lease.until,
            leaseUntil: lease.until,
          },
        },
      );
      return updated.modifiedCount === 1;
    },

    async markSent(item, externalId, at) {
      const done = await Outbox.findOneAndUpdate(
        { _id: oid(item.id) },
        {
          $set: { status: 'sent', sentAt: at },
          $unset: { owner: '', leaseUntil: '' },
          $inc: { attempts: 1 },
        },
        { returnDocument: 'after' },
      ).lean();
      // The conversation shows one message: it takes the channel id of its first part and is
      // sent once its last part is.
      const last = item.part === item.parts - 1;
      if (item.part === 0 || last) {
        await Message.updateOne(
          { _id: oid(item.messageId) },
          {
            $set: {
              ...(item.part === 0 ? { channelMessageId: externalId } : {}),
              ...(last ? { status: 'sent' } : {}),
            },
          },
        );
      }
      return last && done ? toItem(done) : undefined;
    },

    async markRetry(item, nextAttemptAt, error) {
      await Outbox.updateOne(
        { _id: oid(item.id) },
        {
          $set: { status: 'pending', nextAttemptAt, lastError: error },
          $unset: { sendingSince: '' },
          $inc: { attempts: 1 },
        },
      );
      await Outbox.updateMany(
        {
          channel: item.channel,
          chatId: item.chatId,
          status: 'pending',
          nextAttemptAt: { $lt: nextAttemptAt },
        },
        { $set: { nextAttemptAt } },
      );
    },

    async markFailed(item, error, reason) {
      const lastError = error.slice(0, 2000);
      await Outbox.updateOne({ _id: oid(item.id) }, { $inc: { attempts: 1 } });
      // What is left of the message would arrive without its beginning: it fails with it.
      await Outbox.updateMany(
        { messageId: oid(item.messageId), status: { $in: LIVE } },
        {
          $set: { status: 'failed', lastError, failure: reason },
          $unset: { owner: '', leaseUntil: '' },
        },
      );
      await Message.updateOne(
        { _id: oid(item.messageId) },
        { $set: { status: 'failed', error: lastError } },
      );
      const last = await Outbox.findOne({ messageId: oid(item.messageId) })
        .sort({ part: -1 })
        .lean();
      return last ? toItem(last) : undefined;
    },

    async release(owner) {
      await Outbox.updateMany(
        { owner, status: 'pending' },
        { $unset: { owner: '', leaseUntil: '' } },
      );
    },

    async attachReceipt(messageId, receipt): Promise<ReceiptState> {
      const entries = await entriesOf(oid(messageId));
      const last = entries.at(-1);
      if (!last) return { state: 'pending' };
      // The last part's entry decides: the worker reads the receipt from it as it finishes the
      // message, so either it sees the receipt or this sees the message finished.
      const attached = await Outbox.updateOne(
        { _id: last._id, status: { $in: LIVE } },
        { $set: { receipt } },
      );
      if (attached.modifiedCount === 1 || attached.matchedCount === 1) return { state: 'pending' };
      const now = await Outbox.findById(last._id).lean();
      if (now?.status === 'sent') return { state: 'sent' };
      return { state: 'failed', reason: failureOf(now?.failure) };
    },
  };
}

function failureOf(value: string | null | undefined): DeliveryFailure {
  return FAILURES.find((failure) => failure === value) ?? 'refused';
}

/** Entries queued before keys and parts existed count as one whole message keyed by their id. */
function toItem(doc: unknown): OutboxItem {
  const item = plain<OutboxItem>(doc);
  return {
    ...item,
    key: item.key || item.id,
    part: Number.isInteger(item.part) ? item.part : 0,
    parts: Number.isInteger(item.parts) ? item.parts : 1,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
