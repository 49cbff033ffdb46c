import { robotMessenger, type ClientMessenger } from '../app/messaging/robot-messages';
import type { Notifier } from '../app/process/notices';
import { ProcessEngine } from '../app/process/engine';
import { ClientHistory } from '../app/process/client-history';
import { RecordAccess } from '../app/process/record-access';
import { Rights } from '../app/process/rights';
import type { Timers } from '../app/process/ports';
import { PeopleCards } from '../app/process/people-cards';
import { RecordCards } from '../app/process/record-card';
import { SlaLadder } from '../app/process/sla-ladder';
import { timerHandlers, type TimerHandlers } from '../app/process/timer-handlers';
import type { Clock } from '../domain/ports';
import type { ProcessDefinition } from '../domain/process/definition';
import type { TaskSubject } from '../domain/task';
import type { Stores } from '../store/stores';

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
  stores: Stores;
  definition: ProcessDefinition;
  timers: Timers;
  clock: Clock;
  /** Staff notices: stored, then delivered by the manager bot. */
  notifier: Notifier;
  /** Robots' messages to clients: their text, and who is told what could not be sent. */
  clientMessages: {
    /** The company's language (robots' templates are `templates:<name>` in it). */
    translate(key: string): string;
    /** They were queued in the outbox: its worker sends them now. */
    wakeOutbox(): void;
    onUndeliverable(subject: TaskSubject, template: string, reason: string): void;
  };
}): ProcessParts {
  const { stores, definition, timers, clock, notifier } = options;
  const { records, directory, tasks } = stores;
  const clients = robotMessenger({
    records,
    conversations: stores.conversations,
    translate: options.clientMessages.translate,
    sending: {
      conversations: stores.conversations,
      outbox: stores.outbox,
      clock,
      wake: options.clientMessages.wakeOutbox,
    },
    onUndeliverable: options.clientMessages.onUndeliverable,
  });
  const rights = new Rights({ directory, tasks });
  const history = new ClientHistory({
    records,
    store: stores.history,
    names: stores.contactNames,
    notifier,
    rights,
    access: new RecordAccess({ records, rights }),
  });
  const engine = new ProcessEngine({
    history,
    definition,
    records,
    tasks,
    directory,
    conversions: stores.conversions,
    audit: stores.recordAudit,
    notifier,
    clients,
    timers,
    clock,
  });
  const sla = new SlaLadder({
    definition,
    conversations: stores.slaConversations,
    records,
    directory,
    notifier,
    timers,
    clock,
    thresholds: stores.settings,
  });
  const cards = new RecordCards({
    definition,
    access: engine.access,
    tasks,
    directory,
    names: stores.contactNames,
  });
  const people = new PeopleCards({ people: stores.people, rights: engine.rights });
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
