import type { TaskSubject } from '../../domain/task';
import type { Models } from '../models';

export interface ClientCardRef {
  conversationId: string;
  subject: TaskSubject;
  contactName?: string;
}

/** The client's message a Telegram message showed, found by `chatId:messageId`. */
export function createClientCardLookup(
  models: Models,
): (telegramRef: string) => Promise<ClientCardRef | undefined> {
  return async (telegramRef) => {
    const doc = await models.Notification.findOne({
      kind: 'client_message',
      telegramRefs: telegramRef,
    }).lean();
    const payload = doc?.payload as Partial<ClientCardRef> | undefined;
    if (!payload?.conversationId || !payload.subject) return undefined;
    return {
      conversationId: payload.conversationId,
      subject: payload.subject,
      ...(payload.contactName ? { contactName: payload.contactName } : {}),
    };
  };
}
