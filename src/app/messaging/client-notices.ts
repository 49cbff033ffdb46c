import type { TaskSubject } from '../../domain/task';
import { ProcessError } from '../process/errors';
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
  /** Queues the text under `cause`: the same notice queued again is one message (the outbox). */
  send(conversationId: string, text: string, cause: string): Promise<unknown>;
}

/** The outbox key's cause for a robot's message to a client (domain/outbox.ts). */
export function clientNoticeCause(noticeId: string): string {
  return `robot:${noticeId}`;
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
    // Queued first, under the notice as its cause: a crash before the mark queues it again on
    // the next pass, and the outbox finds it already there, so it is neither lost nor doubled.
    try {
      await deps.send(conversation.id, deps.render(notice.template), clientNoticeCause(notice.id));
    } catch (error) {
      // Refused for good (the conversation is gone, the text empty): retrying would loop.
      if (!(error instanceof ProcessError)) throw error;
      await deps.queue.markFailed(notice.id, error.code);
      continue;
    }
    await deps.queue.markSent(notice.id);
  }
  return notices.length;
}
