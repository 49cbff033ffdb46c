import type { Conversation } from '../../domain/conversation';
import type { Responsibles } from '../../domain/department';
import type { Message } from '../../domain/message';
import type { RecordPlace } from '../../domain/process/record';
import type { Task, TaskSubject } from '../../domain/task';

/** The one event ingest emits per new (or edited) customer message; routing and the bot consume it. */
export interface ClientMessageEvent {
  message: Message;
  conversation: Conversation;
  contactId: string;
  /** When ingest already knows it, so listeners need not look it up. */
  contactName?: string;
  /** The record's responsibles and where it stands, as ingest read them with it (same reason). */
  responsibles?: Responsibles;
  place?: RecordPlace;
  subject: TaskSubject;
  /** The record's short number, read with it (absent on records made before numbering). */
  recordNumber?: number;
  /** The message opened a new lead. */
  newLead: boolean;
  /**
   * The new lead's first tasks, announced by nobody yet: the card of this message carries those
   * of its recipient, and the others are announced to their assignees.
   */
  tasks?: Task[];
  /** The customer changed a message the hub already had. */
  edited: boolean;
}

export type ClientMessageListener = (event: ClientMessageEvent) => Promise<void>;

/**
 * In-process fan-out, one listener after another in a fixed order: the listeners given at
 * construction in the order given, then any subscribed later. A listener's failure is reported
 * and does not fail ingest: the message is stored either way, and the SLA ladder still escalates
 * if nobody is told. Except for an event that carries tasks: nothing else would ever announce
 * them, so the failure fails ingest (after every listener ran) and the inbox tries again.
 */
export class InboundEvents {
  private readonly listeners: ClientMessageListener[];

  constructor(
    private readonly onListenerError: (error: unknown) => void,
    listeners: readonly ClientMessageListener[] = [],
  ) {
    this.listeners = [...listeners];
  }

  /** After every listener there already (tests listen in after the hub's own). */
  subscribe(listener: ClientMessageListener): void {
    this.listeners.push(listener);
  }

  async publish(event: ClientMessageEvent): Promise<void> {
    const carries = (event.tasks?.length ?? 0) > 0;
    let failure: { error: unknown } | undefined;
    for (const listener of this.listeners) {
      await listener(event).catch((error: unknown) => {
        if (carries) failure ??= { error };
        else this.onListenerError(error);
      });
    }
    if (failure) throw failure.error;
  }
}
