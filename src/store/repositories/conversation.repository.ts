import { groupedCreate } from '../grouped-writes';
import type { ConversationStore } from '../../app/messaging/ports';
import { accountOf, type AccountId, type Channel } from '../../domain/channel';
import type { Conversation } from '../../domain/conversation';
import { distinct, groupedById, groupedLookup } from '../grouped-reads';
import type { Models } from '../models';
import { oid, plain } from './plain';

export function createConversationStore(models: Models): ConversationStore {
  const { Conversation: ConversationModel } = models;
  const insert = groupedCreate(ConversationModel);
  const one = async (query: ReturnType<typeof ConversationModel.findOne>) => {
    const doc = await query.lean();
    return doc ? plain<Conversation>(doc) : undefined;
  };
  const byId = groupedById((ids) => ConversationModel.find({ _id: { $in: ids } }).lean(), oid);
  // The open conversation of a chat, the newest if several. `open` is checked here, not in the
  // filter: `{channel, chatId: {$in}}` is the index's prefix, which every engine can walk.
  const openOfChat = groupedLookup({
    find: async (chats: readonly { channel: Channel; account?: AccountId; chatId: string }[]) => {
      const channels = distinct(chats.map((chat) => chat.channel));
      const found = await Promise.all(
        channels.map((channel) =>
          ConversationModel.find({
            channel,
            chatId: {
              $in: distinct(chats.filter((c) => c.channel === channel).map((c) => c.chatId)),
            },
          }).lean(),
        ),
      );
      return found.flat().filter((doc) => doc.open);
    },
    // The account is matched here too: one chat id on two bots is two conversations.
    matches: (doc, chat) =>
      doc.channel === chat.channel &&
      doc.chatId === chat.chatId &&
      (doc.account || undefined) === chat.account,
    better: (candidate, current) => candidate.createdAt > current.createdAt,
  });
  return {
    async get(id) {
      const doc = await byId(id);
      return doc ? plain<Conversation>(doc) : undefined;
    },
    async findOpen(channel, chatId, account) {
      const doc = await openOfChat({ channel, chatId, ...accountOf({ account }) });
      return doc ? plain<Conversation>(doc) : undefined;
    },
    async open({
      contactId,
      channel,
      account,
      chatId,
      subject,
      awaitingReplySince,
      lastInboundAt,
    }) {
      const created = await insert({
        contactId: oid(contactId),
        channel,
        ...accountOf({ account }),
        chatId,
        open: true,
        ...(awaitingReplySince ? { awaitingReplySince } : {}),
        ...(lastInboundAt ? { lastInboundAt } : {}),
        ...(subject ? { [subject.kind === 'deal' ? 'dealId' : 'leadId']: oid(subject.id) } : {}),
      });
      return plain<Conversation>(created);
    },
    async attach(id, subject) {
      await ConversationModel.updateOne(
        { _id: oid(id) },
        { $set: { [subject.kind === 'deal' ? 'dealId' : 'leadId']: oid(subject.id) } },
      );
    },
    latestOfContact: (contactId) =>
      one(
        ConversationModel.findOne({ contactId: oid(contactId), open: true }).sort({
          lastInboundAt: -1,
          createdAt: -1,
        }),
      ),
    async touchOutbound(id, at, firstReplyAt) {
      await ConversationModel.updateOne(
        { _id: oid(id) },
        { $set: { lastOutboundAt: at }, ...(firstReplyAt ? { $min: { firstReplyAt } } : {}) },
      );
    },
  };
}
