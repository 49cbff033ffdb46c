import type { Lease } from '../app/lease';
import type { QueuedNotice } from '../app/staff/notification-queue';
import { createSettings } from '../store/repositories/settings.repository';
import type { Notifier } from '../app/process/notices';
import { robotMessenger, type ClientMessenger } from '../app/messaging/robot-messages';
import { sendToCustomer } from '../app/messaging/send-to-customer';
import { ProcessEngine } from '../app/process/engine';
import { ClientHistory } from '../app/process/client-history';
import { Rights } from '../app/process/rights';
import { createHistoryStore } from '../store/repositories/client-history.repository';
import type { Timers } from '../app/process/ports';
import { PeopleCards } from '../app/process/people-cards';
import { RecordCards } from '../app/process/record-card';
import { createPeopleStore } from '../store/repositories/people.repository';
import { SlaLadder } from '../app/process/sla-ladder';
import { createContactNames } from '../store/repositories/contact-names.repository';
import { timerHandlers, type TimerHandlers } from '../app/process/timer-handlers';
import type { Clock } from '../domain/ports';
import type { ProcessDefinition } from '../domain/process/definition';
import type { TaskSubject } from '../domain/task';
import type { Models } from '../store/models';
import { createConversationStore } from '../store/repositories/conversation.repository';
import { createOutboxStore } from '../store/repositories/outbox.repository';
import { createConversionLog } from '../store/repositories/conversion.repository';
import { createDirectory } from '../store/repositories/directory.repository';
import { createStoredNotifier } from '../store/repositories/notification.repository';
import { createRecordRepository } from '../store/repositories/record.repository';
import { createRecordAudit } from '../store/repositories/record-audit.repository';
import { createSlaConversations } from '../store/repositories/sla-conversation.repository';
import { createTaskRepository } from '../store/repositories/task.repository';

export interface ProcessParts {
  engine: ProcessEngine;
  history: ClientHistory;
  cards: RecordCards;
  people: PeopleCards;
  sla: SlaLadder;
  handlers: TimerHandlers;
  notifier: Notifier;
  clients: ClientMessenger;
}

/** The process engine and SLA ladder on the store, with the given timers and clock. */
export function createProcess(options: {
  models: Models;
  definition: ProcessDefinition;
  timers: Timers;
  clock: Clock;
  /** Leases on the notices this process stores: it delivers them itself unless it stops. */
  noticeLease?: () => Lease;
  /** Notices were stored: delivery starts from memory instead of polling. */
  onNoticeQueued?: (notices: QueuedNotice[]) => void;
  /** Robots' messages to clients: their text, and who is told what could not be sent. */
  clientMessages: {
    render(template: string): string;
    /** They were queued in the outbox: its worker sends them now. */
    wakeOutbox(): void;
    onUndeliverable(subject: TaskSubject, template: string, reason: string): void;
  };
}): ProcessParts {
  const { models, definition, timers, clock } = options;
  const records = createRecordRepository(models);
  const conversations = createConversationStore(models);
  const outbox = createOutboxStore(models);
  const clients = robotMessenger({
    contactOf: async (subject) => (await records.get(subject))?.contactId,
    conversations,
    render: options.clientMessages.render,
    send: (conversationId, text, cause) =>
      sendToCustomer(
        { conversations, outbox, clock, wake: options.clientMessages.wakeOutbox },
        conversationId,
        { text, cause },
      ),
    onUndeliverable: options.clientMessages.onUndeliverable,
  });
  const directory = createDirectory(models);
  const notifier = createStoredNotifier(models, {
    ...(options.noticeLease ? { lease: options.noticeLease } : {}),
    ...(options.onNoticeQueued ? { onQueued: options.onNoticeQueued } : {}),
  });
  const tasks = createTaskRepository(models);
  const settings = createSettings(models);
  const names = createContactNames(models);
  const history = new ClientHistory({
    records,
    store: createHistoryStore(models),
    names,
    notifier,
    rights: new Rights({ directory, tasks }),
  });
  const engine = new ProcessEngine({
    history,
    definition,
    records,
    tasks,
    directory,
    conversions: createConversionLog(models),
    audit: createRecordAudit(models),
    notifier,
    clients,
    timers,
    clock,
  });
  const sla = new SlaLadder({
    definition,
    conversations: createSlaConversations(models),
    records,
    directory,
    notifier,
    timers,
    clock,
    thresholds: { get: () => settings.slaThresholds() },
  });
  const cards = new RecordCards({
    definition,
    records,
    tasks,
    directory,
    rights: engine.rights,
    names,
  });
  const people = new PeopleCards({ people: createPeopleStore(models), rights: engine.rights });
  return {
    engine,
    history,
    cards,
    people,
    sla,
    notifier,
    clients,
    handlers: timerHandlers(engine, sla),
  };
}
