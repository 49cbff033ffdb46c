/**
 * Over 300 lines on purpose: the one composition root builds every part in dependency order and
 * stops them in reverse; split, that order would have to be read across files.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from './config/config';
import { createHttpApp } from './http/app';
import { createTranslator, LOCALES, type Translator } from './infra/i18n';
import { startLocalDatabase, type LocalDatabase } from './infra/local-db/local-db';
import { createLogger, type Logger } from './infra/logger';
import { countDatabaseCommands, createMetrics } from './infra/metrics';
import { PROJECT_ROOT } from './infra/project-root';
import { createScheduler, type Scheduler } from './infra/scheduler';
import { hubJobs } from './jobs';
import { openMonthlyPlans } from './app/plans/monthly-reset';
import { connectDatabase, type Database } from './store/database';
import { checkTemplates, loadProcessDefinition } from './config/process/load-definition';
import { systemClock, type Clock } from './domain/ports';
import { leaseMaker } from './app/lease';
import { NoticeRelay } from './app/staff/notice-relay';
import { DigestJob } from './app/reports/digest-job';
import type { Timers } from './app/process/ports';
import { CustomerChannels } from './app/messaging/customer-channels';
import { DeliveryReceipts } from './app/messaging/delivery-receipts';
import { createStores } from './store/stores';
import { createStoredNotifier } from './store/repositories/notification.repository';
import { createProcess, type ProcessParts } from './wiring/process';
import { startManagerBot, type ManagerBotParts } from './wiring/manager-bot';
import type { UserFromGetMe } from 'grammy/types';
import type { Router } from 'express';
import { FileLinks } from './infra/file-links';
import { HubAddress } from './infra/hub-address';
import { closeServer } from './infra/close-server';
import { hubRouters } from './wiring/http';
import { createMessaging, createOutbox, type Messaging } from './wiring/messaging';
import {
  configuredAdapters,
  createConfiguredChannels,
  type ChannelAdapters,
} from './wiring/channels';
import { createWidget } from './wiring/widget';
import { createRouting, type RoutingParts } from './wiring/routing';
import { createReports } from './wiring/reports';
import { createTransfer, type TransferParts } from './wiring/transfer';
import { startWakeups } from './wiring/wakeups';

/** How long an idle HTTP connection stays open (see where the server is made). */
const KEEP_ALIVE_MS = 65_000;

/** How often timers are looked for beyond those this process armed (it claims those itself). */
const SCHEDULER_POLL_MS = 5000;
/** How long a stored notice stays with the process that stored it, renewed while it waits. */
const NOTICE_LEASE_MS = 60_000;

export interface Hub {
  port: number;
  logger: Logger;
  database: Database;
  scheduler: Scheduler;
  translator: Translator;
  process: ProcessParts;
  managerBot?: ManagerBotParts;
  messaging: Messaging;
  routing: RoutingParts;
  /** Imports and exports; `background.idle()` waits for those under way. */
  transfer: TransferParts;
  stop(): Promise<void>;
}

export interface HubOptions {
  logger?: Logger;
  /** How often Agenda looks for due timers. */
  schedulerProcessEveryMs?: number;
  /** Tests pass the bot's identity so no getMe call is needed. */
  managerBotInfo?: UserFromGetMe;
  customerBotInfo?: UserFromGetMe;
  /** How long an inbox item stays with this process before another may take it over. */
  inboxLeaseMs?: number;
  /** How often the outbox looks for entries nobody holds (another process's, a crashed one's). */
  outboxTickMs?: number;
  /** The address to listen on; every interface unless told (the sandbox keeps to loopback). */
  host?: string;
  /** Routes and a socket server served beside the hub's own: the sandbox's page, nothing else. */
  extras?: { routers: Router[]; attach(server: Server): void };
  /**
   * What the hub reads the time from on the data path (the system clock unless told). A whole-hub
   * test drives time with its own clock, and passes `timers` firing on that clock too.
   */
  clock?: Clock;
  /** Timers in place of Agenda's (a test's, on its clock); Agenda still runs the recurring jobs. */
  timers?: Timers;
}

/**
 * The composition root: the one place that knows every concrete part. Everything else receives
 * what it needs as arguments.
 */
export async function startHub(config: Config, options: HubOptions = {}): Promise<Hub> {
  const { env } = config;
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const stack: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stack.splice(0).reverse()) {
      await step().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
    }
  };

  try {
    // A broken definition stops the hub before anything starts, naming file, place and problem.
    const definition = loadProcessDefinition(path.resolve(PROJECT_ROOT, env.PROCESS_DEFINITION));
    let localDb: LocalDatabase | undefined;
    let uri = config.mongodbUri;
    if (!uri) {
      localDb = await startLocalDatabase({
        dataDir: path.resolve(PROJECT_ROOT, env.LOCAL_DB_DIR),
        port: env.LOCAL_DB_PORT,
        toolsDir: path.join(PROJECT_ROOT, '.tools'),
        dbName: 'linehub',
        reuseRunning: true,
        log: (line) => logger.info(line),
      });
      stack.push(() => localDb!.stop());
      uri = localDb.uri;
    }

    const database = await connectDatabase(uri, logger, {
      serverSelectionMs: env.DB_SERVER_SELECTION_TIMEOUT_MS,
      socketMs: env.DB_SOCKET_TIMEOUT_MS,
    });
    stack.push(() => database.close());
    const translator = await createTranslator(env.DEFAULT_LOCALE, (text, variable) =>
      logger.error({ text, variable }, 'a text was shown without one of its values'),
    );
    checkTemplates(definition, env.PROCESS_DEFINITION, (template) =>
      LOCALES.every((lng) => translator.instance.exists(`templates:${template}`, { lng })),
    );
    const metrics = createMetrics();
    countDatabaseCommands(database.connection.getClient(), metrics.databaseCommands);
    const db = database.connection.db;
    if (!db) throw new Error('database connection has no Db handle');
    // Timers armed here are claimed when armed; the poll is the safety net for those a stopped
    // process left, so it can be rare (README, "How it scales").
    const scheduler = createScheduler({
      db,
      logger,
      processEveryMs: options.schedulerProcessEveryMs ?? SCHEDULER_POLL_MS,
    });
    const stores = createStores(database.models, clock);
    const address = new HubAddress(env.PUBLIC_URL);
    const secret = hubSecret(env.HUB_SECRET, logger);
    const links = new FileLinks(secret, address.url, { clock });
    const fileUrl = links.url;

    // Staff notices are stored by the notifier and delivered by the manager bot, made last: the
    // relay passes what is stored to the bot's delivery from memory once the bot connects to it.
    const staffNotices = new NoticeRelay();
    const noticeLease = leaseMaker(clock, NOTICE_LEASE_MS);
    const notifier = createStoredNotifier(database.models, {
      clock,
      lease: noticeLease,
      onQueued: staffNotices.push,
    });
    const widget = createWidget({
      env: { ...env, HUB_SECRET: secret },
      chats: stores.widgetChats,
      files: stores.files,
      fileUrl,
      translator,
      logger,
      clock,
    });
    const adapters: ChannelAdapters = {
      ...createConfiguredChannels({
        config,
        translator,
        logger,
        ...(options.customerBotInfo ? { customerBotInfo: options.customerBotInfo } : {}),
      }),
      widget: widget.adapter,
    };
    const channels = new CustomerChannels(adapters, stores.files);
    const receipts = new DeliveryReceipts(notifier);
    // Made before the process: robots' messages to clients wake it.
    const outbox = createOutbox({
      stores,
      channels,
      receipts,
      fileUrl,
      clock,
      logger,
      ...(options.outboxTickMs ? { tickMs: options.outboxTickMs } : {}),
    });
    const process = createProcess({
      stores,
      definition,
      timers: options.timers ?? scheduler.timers,
      clock,
      notifier,
      clientMessages: {
        translate: translator.forLocale(env.DEFAULT_LOCALE),
        wakeOutbox: outbox.wake,
        onUndeliverable: (subject, template, reason) =>
          logger.warn({ subject, template, reason }, "a robot's message to a client was not sent"),
      },
    });
    const reports = createReports({
      models: database.models,
      definition,
      timeZone: env.COMPANY_TIMEZONE,
      clock,
      digestAt: env.DIGEST_TIME === 'off' ? '00:00' : env.DIGEST_TIME,
    });
    stack.push(reports.backfillReplyWaits(logger), reports.warmUp(logger));
    // The digest goes through the manager bot, made further down; connected once it exists.
    const digest = new DigestJob(reports);
    const { jobs, recurring } = hubJobs({
      handlers: process.handlers,
      openMonthlyPlans: () =>
        openMonthlyPlans({ plans: stores.plans, clock, timeZone: env.COMPANY_TIMEZONE }),
      ...(env.DIGEST_TIME === 'off'
        ? {}
        : { dailyDigest: { cron: dailyCron(env.DIGEST_TIME), run: digest.run } }),
      logger,
    });
    await scheduler.start(jobs, recurring, env.COMPANY_TIMEZONE);
    stack.push(() => scheduler.stop());
    const resumed = await process.engine.resumeConversions();
    if (resumed > 0) logger.warn({ resumed }, 'finished lead conversions interrupted by a crash');

    const routing = createRouting({ stores, timeZone: env.COMPANY_TIMEZONE, clock });
    const messaging = createMessaging({
      stores,
      process,
      channels,
      outbox,
      receipts,
      route: routing.route,
      ingested: metrics.inboundMessages,
      logger,
      clock,
      ...(options.inboxLeaseMs ? { inboxLeaseMs: options.inboxLeaseMs } : {}),
    });

    const transfer = createTransfer({
      stores,
      definition,
      engine: process.engine,
      translator,
      clock,
      timeZone: env.COMPANY_TIMEZONE,
      maxImportBytes: env.IMPORT_MAX_BYTES,
      logger,
    });
    // Unwound after the bot has stopped: an import or export under way finishes first.
    stack.push(() => transfer.background.idle());
    const managerBot = await startManagerBot({
      config,
      models: database.models,
      stores,
      process,
      definition,
      translator,
      logger,
      clock,
      ...(options.managerBotInfo ? { botInfo: options.managerBotInfo } : {}),
      files: stores.files,
      reply: messaging.reply,
      loadFile: messaging.loadFile,
      routing,
      noticeLease,
      inbox: messaging.inbox,
      fileUrl,
      reports,
      transfer,
    });
    if (managerBot) {
      stack.push(() => managerBot.stop());
      staffNotices.connect(managerBot.push);
      digest.connect(managerBot.sendDigest);
    }

    const routers = hubRouters({
      config,
      stores,
      adapters: configuredAdapters(adapters),
      process,
      routing,
      transfer,
      translator,
      links,
      clock,
      logger,
      ...(managerBot ? { managerBot: managerBot.router } : {}),
      widget: widget.router,
      extras: options.extras?.routers ?? [],
    });
    // Another process's queued work and widget packets, heard at once (README, "How it scales").
    const wakeups = await startWakeups({
      database,
      messaging,
      outbox,
      managerBot,
      widget: widget.adapter,
      logger,
    });
    stack.push(() => wakeups.close());
    const app = createHttpApp({
      probe: database.probe,
      metrics,
      logger,
      routers,
      ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    });
    const server = createServer(app);
    // Node closes a keep-alive connection after 5 s idle; a sender reusing it at that moment
    // gets a reset instead of an answer (the bench saw one: "read ECONNRESET"). Kept longer
    // than the usual proxy and load balancer idle timeout (60 s), so they close it first.
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.headersTimeout = KEEP_ALIVE_MS + 1000;
    widget.attach(server);
    options.extras?.attach(server);
    server.listen(env.PORT, options.host ?? '0.0.0.0');
    await once(server, 'listening');
    stack.push(() => closeServer(server));
    // Runs before the server closes (the stack unwinds in reverse): open widget sockets would
    // otherwise hold the close until its force timeout.
    stack.push(() => messaging.stop());
    const { port } = server.address() as AddressInfo;
    address.listening(port);

    await messaging.start();

    logger.info(
      {
        port,
        database: localDb ? `local ${localDb.engine}` : 'MONGODB_URI',
        channelsOn: config.enabledChannels,
      },
      config.enabledChannels.length > 0
        ? `linehub listening on :${port}; channels on: ${config.enabledChannels.join(', ')}`
        : `linehub listening on :${port}; no channel credentials set, all channels off`,
    );
    return {
      port,
      logger,
      database,
      scheduler,
      translator,
      process,
      ...(managerBot ? { managerBot } : {}),
      messaging,
      routing,
      transfer,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** "09:30" as a cron firing at that minute every day. */
function dailyCron(time: string): string {
  const [hours, minutes] = time.split(':').map(Number);
  return `${minutes} ${hours} * * *`;
}

/**
 * Without a configured secret, widget tokens and file links hold only until the next restart:
 * fine for a local run, worth a warning anywhere else.
 */
function hubSecret(configured: string | undefined, logger: Logger): string {
  if (configured) return configured;
  logger.warn('HUB_SECRET is not set: widget sessions and file links end with this process');
  return randomBytes(32).toString('base64url');
}
