import type { TaskSubject } from '../../domain/task';
import type { ConversationStore } from './ports';

export interface ClientNotice {
  id: string;
  subject: TaskSubject;
  template: string;
}

export interface ClientNoticeDeps {
  queue: {
    pendingClient(limit: number): Promise<ClientNotice[]>;
    markSent(id: string): Promise<void>;
    markFailed(id: string, error: string): Promise<void>;
  };
  contactOf(subject: TaskSubject): Promise<string | undefined>;
  conversations: Pick<ConversationStore, 'latestOfContact'>;
  render(template: string): string;
  send(conversationId: string, text: string): Promise<unknown>;
}

/**
 * Robots' messages to clients (the definition's `messageClient` steps) go out through the outbox
 * to the channel the client last wrote from. A client only known by phone has no such channel:
 * that notice is marked failed with the reason, never silently dropped.
 */
export async function sendClientNotices(deps: ClientNoticeDeps, limit = 50): Promise<number> {
  const notices = await deps.queue.pendingClient(limit);
  for (const notice of notices) {
    const contactId = await deps.contactOf(notice.subject);
    const conversation = contactId && (await deps.conversations.latestOfContact(contactId));
    if (!conversation) {
      await deps.queue.markFailed(notice.id, 'no_channel');
      continue;
    }
    // Marked first: a crash in between loses one robot message rather than sending it twice.
    await deps.queue.markSent(notice.id);
    await deps.send(conversation.id, deps.render(notice.template));
  }
  return notices.length;
}
