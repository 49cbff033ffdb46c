import type { TaskSubject } from '../../domain/task';
import type { Models } from '../models';

export interface ClientCardRef {
  conversationId: string;
  subject: TaskSubject;
  contactName?: string;
  /** The customer's text as last written (after their edits): the "full text" button sends it. */
  text?: string;
}

/** The client's card a Telegram message showed, found by `chatId:messageId`. */
export function createClientCardLookup(
  models: Models,
): (telegramRef: string, options?: { withText?: boolean }) => Promise<ClientCardRef | undefined> {
  return async (telegramRef, options = {}) => {
    // A client's message, or the conversation handed to a new responsible: both answer the client.
    const doc = await models.Notification.findOne({
      kind: { $in: ['client_message', 'client_history'] },
      telegramRefs: telegramRef,
    }).lean();
    const payload = doc?.payload as Partial<ClientCardRef & { messageId: string }> | undefined;
    if (!payload?.conversationId || !payload.subject) return undefined;
    // An edit is a notice of its own that changed this card in place: the newest one has the text.
    const latest =
      options.withText && payload.messageId
        ? await models.Notification.findOne({
            kind: 'client_message',
            'payload.messageId': payload.messageId,
          })
            .sort({ createdAt: -1 })
            .lean()
        : undefined;
    const text = options.withText
      ? ((latest?.payload as Partial<ClientCardRef> | undefined)?.text ?? payload.text)
      : undefined;
    return {
      conversationId: payload.conversationId,
      subject: payload.subject,
      ...(payload.contactName ? { contactName: payload.contactName } : {}),
      ...(typeof text === 'string' ? { text } : {}),
    };
  };
}
