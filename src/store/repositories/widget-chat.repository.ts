import type { Types } from 'mongoose';
import type { ChatLine } from '../../domain/message';
import type { Models } from '../models';
import type { MessageDoc } from '../models/message.model';
import { toAttachment } from './message.repository';

/** Enough to scroll back through a long chat; older messages stay in the CRM. */
const HISTORY_LIMIT = 200;

/** What the site widget reads and marks in a visitor's chat, across its conversations. */
export interface WidgetChats {
  /** The chat's latest messages, oldest first. */
  history(chatId: string): Promise<ChatLine[]>;
  /** Someone on the staff is active and online: the widget says a reply may come soon. */
  anyoneOnline(): Promise<boolean>;
  /** The visitor saw the company's messages: sent or delivered ones become read. */
  markSeen(chatId: string): Promise<void>;
}

export function createWidgetChats(models: Models): WidgetChats {
  const { Conversation, Message, User } = models;
  // A visitor's chat spans every conversation it had (a closed one, then a new lead).
  const conversationIds = async (chatId: string) =>
    (
      await Conversation.find({ channel: 'widget', chatId })
        .select('_id')
        .lean<{ _id: Types.ObjectId }[]>()
    ).map((conversation) => conversation._id);
  return {
    async history(chatId) {
      const docs = await Message.find({ conversationId: { $in: await conversationIds(chatId) } })
        .sort({ sentAt: -1 })
        .limit(HISTORY_LIMIT)
        .lean<MessageDoc[]>();
      return docs.reverse().map(toLine);
    },
    async anyoneOnline() {
      return (await User.exists({ active: true, online: true })) !== null;
    },
    async markSeen(chatId) {
      await Message.updateMany(
        {
          conversationId: { $in: await conversationIds(chatId) },
          direction: 'outbound',
          status: { $in: ['sent', 'delivered'] },
        },
        { $set: { status: 'read' } },
      );
    },
  };
}

function toLine(doc: MessageDoc): ChatLine {
  const line: ChatLine = {
    id: doc.externalId,
    direction: doc.direction,
    attachments: doc.attachments.map(toAttachment),
    sentAt: doc.sentAt,
  };
  if (doc.text) line.text = doc.text;
  if (doc.direction === 'inbound' && doc.status === 'read') line.read = true;
  return line;
}
