import type { TaskSubject } from '../../domain/task';
import { ProcessError } from '../process/errors';
import type { ConversationStore } from './ports';
import { sendToCustomer, type SendDeps } from './send-to-customer';

/** A robot's templated message to the client of a record (the definition's `messageClient`). */
export interface ClientMessenger {
  /** `key` names the robot's run: the same run asked again queues nothing new. */
  messageClient(subject: TaskSubject, template: string, key: string): Promise<void>;
}

/** The outbox key's cause for a robot's message to a client (domain/outbox.ts). */
export const robotMessageCause = (key: string) => `robot:${key}`;

/**
 * Robots' messages go straight into the outbox, to the channel the client last wrote from, under
 * their run's key: a run repeated after a crash finds its message already queued, so the client
 * gets it once. A client only known by phone has no such channel: reported, never silently dropped.
 */
export function robotMessenger(deps: {
  records: { get(subject: TaskSubject): Promise<{ contactId?: string } | undefined> };
  conversations: Pick<ConversationStore, 'latestOfContact'>;
  /** The company's language: a template's text is `templates:<name>` in it. */
  translate(key: string): string;
  /** How the outbox is reached; robots' messages do not stop the reply SLA. */
  sending: Omit<SendDeps, 'sla' | 'worker'>;
  onUndeliverable(subject: TaskSubject, template: string, reason: string): void;
}): ClientMessenger {
  return {
    async messageClient(subject, template, key) {
      const contactId = (await deps.records.get(subject))?.contactId;
      const conversation = contactId && (await deps.conversations.latestOfContact(contactId));
      if (!conversation) return deps.onUndeliverable(subject, template, 'no_channel');
      try {
        await sendToCustomer(deps.sending, conversation, {
          text: deps.translate(`templates:${template}`),
          cause: robotMessageCause(key),
        });
      } catch (error) {
        // Refused for good (the conversation is gone, the text empty): the stage still moves.
        if (!(error instanceof ProcessError)) throw error;
        deps.onUndeliverable(subject, template, error.code);
      }
    },
  };
}
