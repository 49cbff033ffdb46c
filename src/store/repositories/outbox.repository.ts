import type { OutboxStore } from '../../app/messaging/ports';
import type { OutboxItem } from '../../domain/outbox';
import type { Models } from '../models';
import { oid, plain } from './plain';

export function createOutboxStore(models: Models): OutboxStore {
  const { Message, Outbox } = models;
  return {
    async enqueue(message, at) {
      const stored = await Message.create({
        conversationId: oid(message.conversationId),
        channel: message.channel,
        direction: 'outbound',
        // Our own key until the channel assigns an id; unique with the channel like inbound ids.
        externalId: `out:${oid(message.conversationId).toHexString()}:${at.getTime()}:${Math.random().toString(36).slice(2)}`,
        text: message.text,
        attachments: message.attachments,
        status: 'queued',
        authorUserId: message.authorUserId ? oid(message.authorUserId) : undefined,
        sentAt: at,
      });
      const entry = await Outbox.create({
        messageId: stored._id,
        conversationId: oid(message.conversationId),
        channel: message.channel,
        chatId: message.chatId,
        text: message.text,
        attachments: message.attachments,
        nextAttemptAt: at,
        authorUserId: message.authorUserId ? oid(message.authorUserId) : undefined,
        receipt: message.receipt,
      });
      return { messageId: stored._id.toHexString(), outboxId: entry._id.toHexString() };
    },

    async due(now, limit) {
      const docs = await Outbox.find({ status: 'pending', nextAttemptAt: { $lte: now } })
        .sort({ createdAt: 1, _id: 1 })
        .limit(limit)
        .lean();
      return docs.map((doc) => plain<OutboxItem>(doc));
    },

    async markSent(item, externalId, at) {
      await Outbox.updateOne(
        { _id: oid(item.id) },
        { $set: { status: 'sent', sentAt: at }, $inc: { attempts: 1 } },
      );
      await Message.updateOne(
        { _id: oid(item.messageId) },
        { $set: { status: 'sent', channelMessageId: externalId } },
      );
    },

    async markRetry(item, nextAttemptAt, error) {
      await Outbox.updateOne(
        { _id: oid(item.id) },
        { $set: { nextAttemptAt, lastError: error }, $inc: { attempts: 1 } },
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

    async markFailed(item, error) {
      await Outbox.updateOne(
        { _id: oid(item.id) },
        { $set: { status: 'failed', lastError: error }, $inc: { attempts: 1 } },
      );
      await Message.updateOne({ _id: oid(item.messageId) }, { $set: { status: 'failed', error } });
    },
  };
}
