import { groupedCreate } from '../grouped-writes';
import { Types } from 'mongoose';
import type { Channel } from '../../domain/channel';
import type { Attachment, InboundMessage, Message } from '../../domain/message';
import { distinct, groupedLookup } from '../grouped-reads';
import type { InboundMessages } from '../../app/messaging/ports';
import type { Clock, MessageRepository } from '../../domain/ports';
import { isDuplicateKeyError } from '../database';
import type { Models } from '../models';
import type { MessageDoc } from '../models/message.model';

export type StoredMessage = MessageDoc & { _id: Types.ObjectId };

/** A stored attachment as the domain's, without the nulls a lean document carries. */
export function toAttachment(doc: MessageDoc['attachments'][number]): Attachment {
  return {
    kind: doc.kind,
    fileRef: doc.fileRef,
    ...(doc.name ? { name: doc.name } : {}),
    ...(doc.mimeType ? { mimeType: doc.mimeType } : {}),
    ...(typeof doc.size === 'number' ? { size: doc.size } : {}),
  };
}

export function toMessage(doc: StoredMessage): Message {
  const message: Message = {
    id: doc._id.toHexString(),
    conversationId: doc.conversationId.toHexString(),
    channel: doc.channel,
    direction: doc.direction,
    externalId: doc.externalId,
    attachments: doc.attachments.map(toAttachment),
    status: doc.status,
    sentAt: doc.sentAt,
  };
  if (doc.text) message.text = doc.text;
  if (doc.authorUserId) message.authorUserId = doc.authorUserId.toHexString();
  return message;
}

export function createMessageRepository(
  models: Models,
  /** Dates a customer's edit of their message. */
  clock: Clock,
): MessageRepository & InboundMessages {
  const { Message: MessageModel } = models;
  const insert = groupedCreate(MessageModel);
  // `{channel, externalId: {$in}}` walks the unique index's prefix on every engine.
  const byExternalId = groupedLookup({
    find: async (keys: readonly { channel: Channel; externalId: string }[]) => {
      const channels = distinct(keys.map((key) => key.channel));
      const found = await Promise.all(
        channels.map((channel) => {
          const ids = distinct(keys.filter((k) => k.channel === channel).map((k) => k.externalId));
          return MessageModel.find({ channel, externalId: { $in: ids } }).lean<StoredMessage[]>();
        }),
      );
      return found.flat();
    },
    matches: (doc, key) => doc.channel === key.channel && doc.externalId === key.externalId,
  });
  const findExisting = async (inbound: InboundMessage) => {
    const doc = await byExternalId(inbound);
    if (!doc) throw new Error(`message ${inbound.channel}:${inbound.externalId} vanished`);
    return toMessage(doc);
  };

  return {
    async find(channel, externalId) {
      const doc = await byExternalId({ channel, externalId });
      return doc ? toMessage(doc) : undefined;
    },

    async applyEdit(channel, externalId, { text, attachments }) {
      const doc = await MessageModel.findOneAndUpdate(
        { channel, externalId, direction: 'inbound' },
        { $set: { attachments, editedAt: clock.now(), ...(text !== undefined ? { text } : {}) } },
        { returnDocument: 'after' },
      ).lean<StoredMessage>();
      return doc ? toMessage(doc) : undefined;
    },

    async saveInbound(conversationId, inbound) {
      try {
        const created = await insert({
          conversationId: new Types.ObjectId(conversationId),
          channel: inbound.channel,
          direction: 'inbound',
          externalId: inbound.externalId,
          text: inbound.text,
          attachments: inbound.attachments,
          status: 'received',
          sentAt: inbound.sentAt,
        });
        return { message: toMessage(created as StoredMessage), duplicate: false };
      } catch (error) {
        // The unique (channel, externalId) index decided: this delivery was seen before.
        if (isDuplicateKeyError(error))
          return { message: await findExisting(inbound), duplicate: true };
        throw error;
      }
    },

    async listByConversation(conversationId, limit) {
      const docs = await MessageModel.find({ conversationId: new Types.ObjectId(conversationId) })
        .sort({ sentAt: -1 })
        .limit(limit)
        .lean<StoredMessage[]>();
      return docs.map(toMessage);
    },
  };
}
