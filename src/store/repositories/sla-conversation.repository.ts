import type { SlaConversation, SlaConversations } from '../../app/process/sla-ladder';
import type { Models } from '../models';
import { oid, plain } from './plain';

export function createSlaConversations(models: Models): SlaConversations {
  const { Conversation } = models;
  const get = async (id: string) => {
    const doc = await Conversation.findById(id).lean();
    return doc ? plain<SlaConversation>(doc) : undefined;
  };
  return {
    get,
    async startWaiting(id, since) {
      // `null` also matches a missing field: only the first unanswered message sets the time.
      await Conversation.updateOne({ _id: oid(id) }, { $set: { lastInboundAt: since } });
      await Conversation.updateOne(
        { _id: oid(id), awaitingReplySince: null },
        { $set: { awaitingReplySince: since } },
      );
      return (await get(id))?.awaitingReplySince ?? since;
    },
    async stopWaiting(id) {
      await Conversation.updateOne({ _id: oid(id) }, { $unset: { awaitingReplySince: 1 } });
    },
  };
}
