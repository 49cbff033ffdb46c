import type { Notifier } from '../process/notices';
import type { ContactNames } from '../process/record-card';
import type { Responsibles } from '../../domain/department';
import type { RecordPlace } from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';
import type { ClientMessageListener } from './inbound-events';

/**
 * A customer's message reaches the person who answers them in Telegram (PRODUCT.md: managers work
 * entirely in Telegram): the record's responsible, or the dispatcher while nobody is.
 */
export function tellResponsible(deps: {
  responsibles: {
    /** `known`, `place`: the record's responsibles and stage when the caller already has them. */
    responsibleFor(
      subject: TaskSubject,
      known?: Responsibles,
      place?: RecordPlace,
    ): Promise<string>;
  };
  names: ContactNames;
  notifier: Pick<Notifier, 'notifyUser'>;
}): ClientMessageListener {
  return async (event) => {
    const { message, conversation, subject } = event;
    const contactName = event.contactName ?? (await deps.names.namesOf(event.contactId)).contact;
    await deps.notifier.notifyUser(
      await deps.responsibles.responsibleFor(subject, event.responsibles, event.place),
      {
        kind: 'client_message',
        conversationId: conversation.id,
        messageId: message.id,
        subject,
        ...(event.recordNumber === undefined ? {} : { recordNumber: event.recordNumber }),
        channel: message.channel,
        ...(contactName ? { contactName } : {}),
        ...(message.text ? { text: message.text } : {}),
        files: message.attachments.map((file) => ({
          name: file.name ?? file.kind,
          kind: file.kind,
          ref: file.fileRef,
        })),
        edited: event.edited,
      },
    );
  };
}
