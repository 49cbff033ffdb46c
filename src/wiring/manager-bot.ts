import express, { type Router } from 'express';
import type { UserFromGetMe } from 'grammy/types';
import { createManagerBot } from '../../bots/manager/manager-bot';
import { NoticeDelivery } from '../../bots/manager/deliver-notifications';
import type { Lease } from '../app/lease';
import type { QueuedNotice } from '../app/staff/notification-queue';
import { ManualLeads } from '../app/intake/manual-lead';
import { RecordSearch } from '../app/search/find-records';
import { Lists } from '../app/lists/lists';
import type { ProcessDefinition } from '../domain/process/definition';
import { StaffService } from '../app/staff/staff';
import type { Config } from '../config/config';
import { systemClock, type Clock } from '../domain/ports';
import type { Translator } from '../infra/i18n';
import type { Logger } from '../infra/logger';
import type { Models } from '../store/models';
import type { Stores } from '../store/stores';
import { createNotificationQueue } from '../store/repositories/notification-queue.repository';
import type { ProcessParts } from './process';
import type { StaffFile } from '../../bots/manager/context';
import type { ParkedInbox } from '../../bots/manager/inbox.composer';
import { StaffMenus } from '../../bots/manager/menus';
import { StaffReplies } from '../app/messaging/staff-reply';
import type { QueuedReply } from '../app/messaging/customer-replies';
import { TelegramFiles } from '../../bots/manager/telegram-files';
import { StaffNames } from '../app/staff/staff-names';
import type { FileStore } from '../domain/ports';
import type { Messaging } from './messaging';
import type { RoutingParts } from './routing';
import { Organisation } from '../app/staff/organisation';
import { Assignees } from '../app/process/assignees';
import { createUpdateClaims } from '../store/repositories/manager-update.repository';
import { managerWebhook, type ManagerWebhook } from './manager-webhook';
import type { ReportParts } from './reports';
import type { Report } from '../app/reports/report';
import { DigestSender } from '../../bots/manager/report-digest';
import { createDigestRecipients } from '../store/repositories/reports.repository';
import type { TransferParts } from './transfer';

/** Departments the default process assigns work to; invites name one of them. */
const DEPARTMENTS = ['sales', 'operations'];
const WEBHOOK_PATH = '/webhooks/telegram/manager';

export interface ManagerBotParts {
  router: Router;
  /** Takes over notices nobody holds and waits until what is due has been sent (tests). */
  deliverNow(): Promise<void>;
  /** Notices this process just stored: delivered from memory, without waiting for a tick. */
  push(notices: QueuedNotice[]): void;
  /** Sends the daily digest to the heads' chat (or each head), in its language. */
  sendDigest(report: Report): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The manager bot with its webhook route (or long polling) and the loop that delivers staff
 * notifications. Off unless TELEGRAM_MANAGER_BOT_TOKEN is set.
 */
export async function startManagerBot(options: {
  config: Config;
  models: Models;
  stores: Stores;
  process: ProcessParts;
  definition: ProcessDefinition;
  translator: Translator;
  logger: Logger;
  clock?: Clock;
  botInfo?: UserFromGetMe;
  files: FileStore;
  reply: Messaging['reply'];
  loadFile: Messaging['loadFile'];
  routing: RoutingParts;
  /** The leases this process takes on the notices it delivers (the notifier's own). */
  noticeLease: () => Lease;
  /** Customer messages parked after their retries, for admins' `/inbox`. */
  inbox: ParkedInbox;
  /** Signed links to files the hub keeps, for the clients' histories. */
  fileUrl?: (fileRef: string, name: string) => string;
  reports: ReportParts;
  /** `/import` and `/export`. */
  transfer: TransferParts;
}): Promise<ManagerBotParts | undefined> {
  const { config, models, stores, translator, logger } = options;
  const { env } = config;
  const token = env.TELEGRAM_MANAGER_BOT_TOKEN;
  if (!token) return undefined;
  const clock = options.clock ?? systemClock;

  const store = stores.staff;
  for (const code of DEPARTMENTS) await store.ensureDepartment(code);
  const staff = new StaffService({ store, clock, adminTelegramIds: env.ADMIN_TELEGRAM_IDS });
  const directory = stores.directory;
  const organisationStore = stores.organisation;
  const labels = stores.recordLabels;
  const naming = { definition: options.definition };
  const telegramFiles = new TelegramFiles({
    token,
    apiRoot: env.TELEGRAM_API_ROOT,
    files: options.files,
  });
  const menus = new StaffMenus({
    translate: translator.forLocale,
    defaultLocale: env.DEFAULT_LOCALE,
    staff,
    onError: (error) => logger.warn({ err: error }, 'could not set a command menu'),
  });
  const deps = {
    staff,
    engine: options.process.engine,
    cards: options.process.cards,
    labels,
    naming,
    alertCopies: stores.alertCopies,
    people: options.process.people,
    history: options.process.history,
    ...(options.fileUrl ? { fileUrl: options.fileUrl } : {}),
    lists: new Lists({
      store: stores.lists,
      scopes: options.process.engine.rights,
      definition: options.definition,
      clock,
    }),
    find: new RecordSearch({
      search: stores.search,
      rights: options.process.engine.rights,
      definition: options.definition,
    }).find,
    newLead: new ManualLeads({ contacts: stores.contacts, engine: options.process.engine }).create,
    routing: {
      editor: options.routing.editor,
      router: options.routing.router,
      nameOf: new StaffNames(directory).nameOf,
      timeZone: env.COMPANY_TIMEZONE,
      clock,
    },
    organisation: new Organisation({
      store: organisationStore,
      tasks: stores.tasks,
      engine: options.process.engine,
      assignees: new Assignees(directory),
      defaultThresholds: options.definition.sla.ladder.map((rung) => rung.afterMs),
    }),
    clientCardAt: stores.clientCards,
    inbox: options.inbox,
    reports: options.reports.bot,
    ...options.transfer.bot(telegramFiles.download),
    menus,
    replyToClient: new StaffReplies<StaffFile, QueuedReply>({
      conversations: stores.conversations,
      records: options.process.engine.access,
      keepFile: telegramFiles.keep,
      send: options.reply,
    }).reply,
    translate: translator.forLocale,
    defaultLocale: env.DEFAULT_LOCALE,
    timeZone: env.COMPANY_TIMEZONE,
    clock,
  };
  const bot = createManagerBot(deps, {
    token,
    apiRoot: env.TELEGRAM_API_ROOT,
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    onError: (error) => logger.error({ err: error }, 'manager bot update failed'),
  });

  const router = express.Router();
  let webhook: ManagerWebhook | undefined;
  if (env.TELEGRAM_MODE === 'webhook') {
    // Each update handled once however often it is delivered, answered within the deadline.
    const claims = createUpdateClaims(models, clock);
    await claims.prepare();
    webhook = managerWebhook({
      bot,
      secret: env.TELEGRAM_WEBHOOK_SECRET!,
      bodyLimit: env.HTTP_BODY_LIMIT,
      deadlineMs: env.MANAGER_WEBHOOK_DEADLINE_MS,
      claims,
      logger,
      clock,
    });
    router.post(WEBHOOK_PATH, ...webhook.handlers);
    // Telegram is told where to call on every start, so a changed PUBLIC_URL takes effect. An
    // unreachable Telegram does not stop the hub: the webhook set last time keeps working.
    await bot.api
      .setWebhook(`${env.PUBLIC_URL}${WEBHOOK_PATH}`, {
        secret_token: env.TELEGRAM_WEBHOOK_SECRET!,
        allowed_updates: ['message', 'edited_message', 'callback_query'],
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not set the manager webhook'));
  } else {
    void bot
      .start({ onStart: () => logger.info('manager bot polling') })
      .catch((error: unknown) => logger.error({ err: error }, 'manager bot polling stopped'));
  }

  // The menus of newcomers and of everyone on the staff, in the background: a slow or unreachable
  // Telegram does not hold the start up, and each person's menu is set again when they write.
  menus.inBackground(
    menus.start(bot.api, async () =>
      (await organisationStore.people()).filter((person) => person.active),
    ),
  );

  const delivery = new NoticeDelivery({
    queue: createNotificationQueue(models, {
      lease: options.noticeLease,
      clock,
      alertChatLocale: env.DEFAULT_LOCALE,
      onUndecodable: (id, error) =>
        logger.error({ notificationId: id, error }, 'a stored staff notice is of no known kind'),
    }),
    api: bot.api,
    translate: translator.forLocale,
    timeZone: env.COMPANY_TIMEZONE,
    clock,
    loadFile: options.loadFile,
    ...(options.fileUrl ? { fileUrl: options.fileUrl } : {}),
    onFileError: (error) =>
      logger.warn({ err: error }, "a customer's file could not be passed to staff"),
    onError: (error) => logger.error({ err: error }, 'notification delivery failed'),
    cards: { labels, naming },
  });
  delivery.start();
  const digest = new DigestSender({
    api: bot.api,
    translate: translator.forLocale,
    timeZone: env.COMPANY_TIMEZONE,
    renderChart: options.reports.bot.renderChart,
    recipients: createDigestRecipients(models, env.DEFAULT_LOCALE),
  });

  return {
    router,
    deliverNow: () => delivery.deliverNow(),
    push: (notices) => delivery.push(notices),
    sendDigest: digest.send,
    async stop() {
      await webhook?.drain();
      await menus.stop();
      await delivery.stop();
      if (bot.isRunning()) await bot.stop();
    },
  };
}
