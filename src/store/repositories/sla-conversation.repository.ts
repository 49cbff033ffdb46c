import type { SlaConversation, SlaConversations } from '../../app/process/sla-ladder';
import { groupedById } from '../grouped-reads';
import { groupedUpdate } from '../grouped-writes';
import type { Models } from '../models';
import { oid, plain } from './plain';

export function createSlaConversations(models: Models): SlaConversations {
  const { Conversation } = models;
  const update = groupedUpdate(Conversation);
  const byId = groupedById((ids) => Conversation.find({ _id: { $in: ids } }).lean(), oid);
  const get = async (id: string) => {
    const doc = await byId(id);
    return doc ? plain<SlaConversation>(doc) : undefined;
  };
  return {
    get,
    async startWaiting(id, since) {
      // `$min` sets a missing field and keeps an earlier one: the clock runs from the first
      // unanswered message, in one round trip.
      const doc = await Conversation.findOneAndUpdate(
        { _id: oid(id) },
        { $max: { lastInboundAt: since }, $min: { awaitingReplySince: since } },
        { returnDocument: 'after' },
      ).lean();
      return doc?.awaitingReplySince ?? since;
    },
    async touchInbound(id, at) {
      await update({ _id: oid(id) }, { $max: { lastInboundAt: at } });
    },
    async stopWaiting(id, repliedAt, firstReplyAt) {
      await Conversation.updateOne(
        { _id: oid(id) },
        {
          $unset: { awaitingReplySince: 1 },
          ...(repliedAt ? { $set: { lastOutboundAt: repliedAt } } : {}),
          ...(firstReplyAt ? { $min: { firstReplyAt } } : {}),
        },
      );
    },
  };
}
