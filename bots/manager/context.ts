import type { Organisation } from '../../src/app/staff/organisation';
import type { RoutingBotDeps } from './routes.composer';
import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { TFunction } from 'i18next';
import type { ProcessEngine } from '../../src/app/process/engine';
import type { ClientHistory } from '../../src/app/process/client-history';
import type { PeopleCards } from '../../src/app/process/people-cards';
import type { RecordCards } from '../../src/app/process/record-card';
import type { Lists } from '../../src/app/lists/lists';
import type { ManualSource } from '../../src/app/intake/manual-lead';
import type { SearchHit } from '../../src/app/search/find-records';
import type { StaffService } from '../../src/app/staff/staff';
import type { AlertCopies } from '../../src/app/staff/alert-copies';
import { isAdminUser, type Admin, type User } from '../../src/domain/user';
import type { RecordLabels } from '../../src/app/process/record-labels';
import type { ParkedInbox } from './inbox.composer';
import type { ImportBotDeps } from './import.composer';
import type { ExportBotDeps } from './export.composer';
import type { Naming } from './record-label';
import type { StaffMenus } from './menus';
import type { ReportBotDeps } from './report.composer';

/** A file a staff member sent the bot, by its Telegram file id. */
export interface StaffFile {
  fileId: string;
  kind: 'photo' | 'document';
  name: string;
  mimeType?: string;
  size?: number;
}

export interface ManagerBotDeps {
  staff: StaffService;
  /** Admins' routing commands. */
  routing: RoutingBotDeps;
  organisation: Organisation;
  engine: ProcessEngine;
  cards: RecordCards;
  /** The record and client a task card names, read in batches. */
  labels: RecordLabels;
  /** The process's titles for stages and deal types. */
  naming: Naming;
  /** Every copy of a red alert, so Take can say so on each. */
  alertCopies: AlertCopies;
  people: PeopleCards;
  /** A client's conversation a page at a time, and their tasks. */
  history: ClientHistory;
  /** A signed link to a file the hub keeps (a client's history names files by link). */
  fileUrl?: (fileRef: string, name: string) => string;
  /** `/leads`, `/deals`, `/tasks` and `/team`, a page at a time. */
  lists: Lists;
  /** `/find`: records this person may see. */
  find: (user: User, text: string) => Promise<SearchHit[]>;
  /** Creates a lead entered by hand (`/new`). */
  newLead: (
    creator: User,
    input: { name: string; phone: string; source: ManualSource },
  ) => Promise<unknown>;
  /**
   * The client's message a Telegram message (`chatId:messageId`) showed, if it showed one, with
   * its latest text when asked (for the "full text" button of a card too long for Telegram; a
   * reply needs only the conversation, one read fewer).
   */
  clientCardAt: (
    telegramRef: string,
    options?: { withText?: boolean },
  ) => Promise<{ conversationId: string; text?: string } | undefined>;
  /**
   * Queues a staff reply to the client in the outbox, once per `cause` (the person's own Telegram
   * message); refuses what the person may not do. The "sending…" line is attached once queued.
   */
  replyToClient: (
    user: User,
    conversationId: string,
    content: { text?: string; file?: StaffFile },
    cause: { chatId: number; messageId: number },
  ) => Promise<{
    hasReceipt: boolean;
    attachReceipt(receipt: { chatId: number; messageId: number }): Promise<void>;
  }>;
  /** Customer messages parked after their retries (`/inbox`, admins). */
  inbox: ParkedInbox;
  /** `/report` and `/plan`. */
  reports: ReportBotDeps;
  /** `/import` and `/export` (heads and admins). */
  imports: ImportBotDeps;
  exports: ExportBotDeps;
  /** Each person's "/" menu, set when their role or language is known or changes. */
  menus: StaffMenus;
  translate: (lng: 'ru' | 'en') => TFunction;
  defaultLocale: 'ru' | 'en';
  timeZone: string;
  clock: { now(): Date };
}

/** Every update knows who pressed (re-read from the store each time) and speaks their language. */
export type StaffContext = Context & {
  staff?: User;
  t: TFunction;
  lng: 'ru' | 'en';
};

/** Handlers may start a dialog (`ctx.conversation.enter`). */
export type ManagerContext = ConversationFlavor<StaffContext>;

/** Past `staffOnly`: the update comes from an active staff member, known by the type. */
export type StaffMemberContext = ManagerContext & { staff: User };

export const isStaffMember = (ctx: ManagerContext): ctx is StaffMemberContext =>
  ctx.staff !== undefined;

/** Past `composer.filter(isAdmin)`: an admin pressed or wrote, and the handler's type proves it. */
export type AdminContext = StaffMemberContext & { staff: Admin };

export const isAdmin = (ctx: StaffMemberContext): ctx is AdminContext => isAdminUser(ctx.staff);

/**
 * A dialog's handle. Inside it each update is a plain Context; who answers and in which language
 * come from the outside context through `conversation.external`.
 */
export type Dialog = Conversation<StaffMemberContext, Context>;
