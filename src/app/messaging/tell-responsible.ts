import type { Notifier } from '../process/notices';
import type { ContactNames } from '../process/record-card';
import type { RecordLabel } from '../process/record-labels';
import type { Responsibles } from '../../domain/department';
import type { RecordPlace } from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';
import type { ClientMessageEvent, ClientMessageListener } from './inbound-events';

/**
 * A customer's message reaches the person who answers them in Telegram (PRODUCT.md: managers work
 * entirely in Telegram): the record's responsible, or the dispatcher while nobody is. A new
 * lead's first tasks for that person ride on the same card; anyone else's are announced to them.
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
    const recipient = await deps.responsibles.responsibleFor(
      subject,
      event.responsibles,
      event.place,
    );
    const tasks = event.tasks ?? [];
    const carried = tasks.filter((task) => task.assigneeId === recipient);
    // The card first: should the process stop after it, the retry finds it stored (its key) and
    // only the announcements below are made again.
    await deps.notifier.notifyUser(recipient, {
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
      ...(carried.length > 0 ? { tasks: carried } : {}),
    });
    const about = labelOf(event, contactName);
    for (const task of tasks) {
      if (task.assigneeId === recipient) continue;
      await deps.notifier.notifyUser(task.assigneeId, {
        kind: 'task_assigned',
        task,
        ...(about ? { about } : {}),
      });
    }
  };
}

/** The record as ingest read it, for a task card that names it without a read of its own. */
function labelOf(event: ClientMessageEvent, contactName?: string): RecordLabel | undefined {
  if (!event.place) return undefined;
  return {
    subject: event.subject,
    ...(event.recordNumber === undefined ? {} : { number: event.recordNumber }),
    pipeline: event.place.pipeline,
    stage: event.place.stage,
    contactName: contactName ?? '',
  };
}
