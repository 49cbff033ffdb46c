import type { Clock } from '../domain/ports';
import type { Models } from './models';
import { createAlertCopies } from './repositories/alert-copies.repository';
import { createClientCardLookup } from './repositories/client-card.repository';
import { createHistoryStore } from './repositories/client-history.repository';
import { createContactNames } from './repositories/contact-names.repository';
import { createContactRepository } from './repositories/contact.repository';
import { createConversationStore } from './repositories/conversation.repository';
import { createConversionLog } from './repositories/conversion.repository';
import { createDirectory } from './repositories/directory.repository';
import { createExportStore } from './repositories/export.repository';
import { createFileStore } from './repositories/file.repository';
import { createImportStore } from './repositories/import.repository';
import { createInboxStore } from './repositories/inbox.repository';
import { createListStore } from './repositories/lists.repository';
import { createMessageRepository } from './repositories/message.repository';
import { createOpenRecords } from './repositories/open-records.repository';
import { createOrganisationStore } from './repositories/organisation.repository';
import { createOutboxStore } from './repositories/outbox.repository';
import { createPeopleStore } from './repositories/people.repository';
import { createPlanStore } from './repositories/plan.repository';
import { createRecordAudit } from './repositories/record-audit.repository';
import { createRecordLabels } from './repositories/record-labels.repository';
import { createRecordRepository } from './repositories/record.repository';
import { createDigestLatch } from './repositories/reports.repository';
import {
  createRoutingAudit,
  createRoutingPeople,
  createRuleStore,
} from './repositories/routing.repository';
import { createScopedSearch } from './scoped/search.scoped-repository';
import { createReplyWaitStore } from './repositories/reply-waits.repository';
import { createSettings } from './repositories/settings.repository';
import { createSlaConversations } from './repositories/sla-conversation.repository';
import { createStaffStore } from './repositories/staff.repository';
import { createTaskRepository } from './repositories/task.repository';
import { createWidgetChats } from './repositories/widget-chat.repository';

export type Stores = ReturnType<typeof createStores>;

/**
 * Every repository over one connection, each made once and shared by whoever needs it: grouped
 * reads and writes then batch across callers, and one record-number allocator reserves blocks.
 * Those that need the hub's own settings (the notifier's lease, a locale, the definition's
 * stages, a clock) are made where those are known, once each.
 */
export function createStores(models: Models, clock: Clock) {
  const directory = createDirectory(models);
  return {
    alertCopies: createAlertCopies(models),
    clientCards: createClientCardLookup(models),
    contactNames: createContactNames(models),
    contacts: createContactRepository(models),
    conversations: createConversationStore(models),
    conversions: createConversionLog(models),
    digestLatch: createDigestLatch(models),
    directory,
    exports: createExportStore(models),
    files: createFileStore(models),
    history: createHistoryStore(models),
    imports: createImportStore(models),
    inbox: createInboxStore(models),
    lists: createListStore(models),
    messages: createMessageRepository(models, clock),
    openRecords: createOpenRecords(models),
    organisation: createOrganisationStore(models),
    outbox: createOutboxStore(models),
    people: createPeopleStore(models),
    plans: createPlanStore(models),
    recordAudit: createRecordAudit(models),
    recordLabels: createRecordLabels(models),
    records: createRecordRepository(models, clock),
    routingAudit: createRoutingAudit(models),
    routingPeople: createRoutingPeople(models, directory),
    routingRules: createRuleStore(models),
    search: createScopedSearch(models),
    replyWaits: createReplyWaitStore(models),
    settings: createSettings(models),
    slaConversations: createSlaConversations(models),
    staff: createStaffStore(models),
    tasks: createTaskRepository(models),
    widgetChats: createWidgetChats(models),
  };
}
