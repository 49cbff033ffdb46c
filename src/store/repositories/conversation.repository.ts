import { groupedCreate } from '../grouped-writes';
import type { ConversationStore } from '../../app/messaging/ports';
import type { Conversation } from '../../domain/conversation';
import type { Models } from '../models';
import { oid, plain } from './plain';

export function createConversationStore(models: Models): ConversationStore {
  const { Conversation: ConversationModel } = models;
  const insert = groupedCreate(ConversationModel);
  const one = async (query: ReturnType<typeof ConversationModel.findOne>) => {
    const doc = await query.lean();
    return doc ? plain<Conversation>(doc) : undefined;
  };
  return {
    get: (id) => one(ConversationModel.findOne({ _id: oid(id) })),
    findOpen: (channel, chatId) =>
      one(ConversationModel.findOne({ channel, chatId, open: true }).sort({ createdAt: -1 })),
    async open({ contactId, channel, chatId, subject, awaitingReplySince }) {
      const created = await insert({
        contactId: oid(contactId),
        channel,
        chatId,
        open: true,
        ...(awaitingReplySince ? { awaitingReplySince, lastInboundAt: awaitingReplySince } : {}),
        ...(subject ? { [subject.kind === 'deal' ? 'dealId' : 'leadId']: oid(subject.id) } : {}),
      });
      return plain<Conversation>(created.toObject());
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
    async touchOutbound(id, at) {
      await ConversationModel.updateOne({ _id: oid(id) }, { $set: { lastOutboundAt: at } });
    },
  };
}
