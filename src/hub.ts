import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from './config/config';
import { createHttpApp } from './http/app';
import { createTranslator, LOCALES, type Translator } from './infra/i18n';
import type { Text } from './domain/process/definition';
import { startLocalDatabase, type LocalDatabase } from './infra/local-db/local-db';
import { createLogger, type Logger } from './infra/logger';
import { countDatabaseCommands, createMetrics } from './infra/metrics';
import { PROJECT_ROOT } from './infra/project-root';
import { createScheduler, type Scheduler } from './infra/scheduler';
import { hubJobs } from './jobs';
import { openMonthlyPlans } from './app/plans/monthly-reset';
import { createPlanStore } from './store/repositories/plan.repository';
import { connectDatabase, type Database } from './store/database';
import { checkTemplates, loadProcessDefinition } from './config/process/load-definition';
import { systemClock } from './domain/ports';
import { leaseMaker } from './app/lease';
import type { QueuedNotice } from './app/staff/notification-queue';
import { recordsRouter } from './http/records.router';
import { createProcess, type ProcessParts } from './wiring/process';
import { startManagerBot, type ManagerBotParts } from './wiring/manager-bot';
import type { UserFromGetMe } from 'grammy/types';
import type { Router } from 'express';
import { FileLinks } from './infra/file-links';
import { createFileStore } from './store/repositories/file.repository';
import { filesRouter } from './http/files.router';
import { webhooksRouter } from './http/webhooks.router';
import { intakeRouter } from './http/intake.router';
import { createMessaging, type Messaging } from './wiring/messaging';
import { createConfiguredChannels } from './wiring/channels';
import { createWidget } from './wiring/widget';
import { createRouting, type RoutingParts } from './wiring/routing';
import { createContactRepository } from './store/repositories/contact.repository';
import { createOpenRecords } from './store/repositories/open-records.repository';
import { createReports } from './wiring/reports';
import type { Report } from './app/reports/report';
import { createTransfer, type TransferParts } from './wiring/transfer';
import { importRouter } from './http/import.router';
import { startWakeups } from './wiring/wakeups';

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
}

/**
 * The composition root: the one place that knows every concrete part. Everything else receives
 * what it needs as arguments.
 */
export async function startHub(config: Config, options: HubOptions = {}): Promise<Hub> {
  const { env } = config;
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
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
    // The process is made first and its output drives two parts made further down: stored
    // staff notices go to the manager bot's delivery from memory, and robots' messages queued
    // in the outbox wake its worker. Bound once those parts exist.
    const wakeUp: { staff(notices: QueuedNotice[]): void; outbox(): void } = {
      staff: () => {},
      outbox: () => {},
    };
    const noticeLease = leaseMaker(systemClock, NOTICE_LEASE_MS);
    const process = createProcess({
      models: database.models,
      definition,
      timers: scheduler.timers,
      clock: systemClock,
      noticeLease,
      onNoticeQueued: (notices) => wakeUp.staff(notices),
      clientMessages: {
        render: (template) => translator.forLocale(env.DEFAULT_LOCALE)(`templates:${template}`),
        wakeOutbox: () => wakeUp.outbox(),
        onUndeliverable: (subject, template, reason) =>
          logger.warn({ subject, template, reason }, "a robot's message to a client was not sent"),
      },
    });
    const plans = createPlanStore(database.models);
    const reports = createReports({
      models: database.models,
      definition,
      timeZone: env.COMPANY_TIMEZONE,
      clock: systemClock,
      digestAt: env.DIGEST_TIME === 'off' ? '00:00' : env.DIGEST_TIME,
    });
    // The digest goes through the manager bot, made further down; bound once it exists.
    const digest: { send?: (report: Report) => Promise<void> } = {};
    const { jobs, recurring } = hubJobs({
      handlers: process.handlers,
      openMonthlyPlans: () =>
        openMonthlyPlans({ plans, clock: systemClock, timeZone: env.COMPANY_TIMEZONE }),
      ...(env.DIGEST_TIME === 'off'
        ? {}
        : {
            dailyDigest: {
              cron: dailyCron(env.DIGEST_TIME),
              run: async () => (digest.send ? reports.dailyDigest(digest.send) : false),
            },
          }),
      logger,
    });
    await scheduler.start(jobs, recurring, env.COMPANY_TIMEZONE);
    stack.push(() => scheduler.stop());
    const resumed = await process.engine.resumeConversions();
    if (resumed > 0) logger.warn({ resumed }, 'finished lead conversions interrupted by a crash');

    // Known once the server listens; links and webhook addresses are built lazily from it.
    let port = 0;
    const publicUrl = () => env.PUBLIC_URL ?? `http://127.0.0.1:${port}`;
    const files = createFileStore(database.models);
    const secret = hubSecret(env.HUB_SECRET, logger);
    const links = new FileLinks(secret, publicUrl);
    const routing = createRouting({
      models: database.models,
      timeZone: env.COMPANY_TIMEZONE,
      clock: systemClock,
    });
    const messaging = createMessaging({
      models: database.models,
      process,
      translator,
      defaultLocale: env.DEFAULT_LOCALE,
      fileUrl: (fileRef, name) => links.url(fileRef, name),
      files,
      route: routing.route,
      metrics,
      logger,
      clock: systemClock,
      ...(options.inboxLeaseMs ? { inboxLeaseMs: options.inboxLeaseMs } : {}),
      ...(options.outboxTickMs ? { outboxTickMs: options.outboxTickMs } : {}),
    });

    const transfer = createTransfer({
      models: database.models,
      definition,
      engine: process.engine,
      translator,
      clock: systemClock,
      timeZone: env.COMPANY_TIMEZONE,
      maxImportBytes: env.IMPORT_MAX_BYTES,
      logger,
    });
    // Unwound after the bot has stopped: an import or export under way finishes first.
    stack.push(() => transfer.background.idle());
    const managerBot = await startManagerBot({
      config,
      models: database.models,
      process,
      definition,
      translator,
      logger,
      ...(options.managerBotInfo ? { botInfo: options.managerBotInfo } : {}),
      files,
      reply: messaging.reply,
      loadFile: messaging.loadFile,
      routing,
      noticeLease,
      inbox: messaging.inbox,
      fileUrl: (fileRef, name) => links.url(fileRef, name),
      reports,
      transfer,
    });
    wakeUp.outbox = messaging.wakeOutbox;
    if (managerBot) {
      stack.push(() => managerBot.stop());
      wakeUp.staff = managerBot.push;
      digest.send = managerBot.sendDigest;
    }

    const widget = createWidget({
      env: { ...env, HUB_SECRET: secret },
      models: database.models,
      files,
      fileUrl: (fileRef, name) => links.url(fileRef, name),
      translator,
      logger,
    });
    // Another process's queued work and widget packets, heard at once (README, "How it scales").
    const wakeups = await startWakeups({
      database,
      messaging,
      managerBot,
      widget: widget.adapter,
      logger,
    });
    stack.push(() => wakeups.close());
    const adapters = [
      ...createConfiguredChannels({
        config,
        translator,
        logger,
        ...(options.customerBotInfo ? { customerBotInfo: options.customerBotInfo } : {}),
      }),
      widget.adapter,
    ];
    const routers = [
      webhooksRouter({
        adapters,
        bodyLimit: env.HTTP_BODY_LIMIT,
        logger,
        deadlineMs: env.WEBHOOK_DEADLINE_MS,
      }),
      ...(env.API_TOKEN
        ? [
            recordsRouter({
              engine: process.engine,
              token: env.API_TOKEN,
              bodyLimit: env.HTTP_BODY_LIMIT,
              ratePerMinute: env.PUBLIC_RATE_LIMIT_PER_MINUTE,
            }),
            importRouter({
              importer: transfer.importDeps,
              token: env.API_TOKEN,
              translator,
              defaultLocale: env.DEFAULT_LOCALE,
              ratePerMinute: env.PUBLIC_RATE_LIMIT_PER_MINUTE,
            }),
          ]
        : []),
      ...(env.INTEGRATION_KEYS.size > 0
        ? [
            intakeRouter({
              leads: {
                contacts: createContactRepository(database.models),
                records: createOpenRecords(database.models),
                leads: process.engine,
                route: routing.route,
                clock: systemClock,
                repeatTitle: (kind, comment) =>
                  Object.fromEntries(
                    LOCALES.map((lng) => [
                      lng,
                      translator.forLocale(lng)(`intake.repeat_${kind}`, {
                        comment: comment ? `: ${comment}` : '',
                      }),
                    ]),
                  ) as Text,
              },
              keys: env.INTEGRATION_KEYS,
              bodyLimit: env.HTTP_BODY_LIMIT,
              ratePerMinute: env.PUBLIC_RATE_LIMIT_PER_MINUTE,
              logger,
            }),
          ]
        : []),
      ...(managerBot ? [managerBot.router] : []),
      filesRouter({ files, links }),
      widget.router,
      ...(options.extras?.routers ?? []),
    ];
    const app = createHttpApp({
      probe: database.probe,
      metrics,
      logger,
      routers,
      ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    });
    const server = createServer(app);
    widget.attach(server);
    options.extras?.attach(server);
    server.listen(env.PORT, options.host ?? '0.0.0.0');
    await once(server, 'listening');
    stack.push(() => closeServer(server));
    // Runs before the server closes (the stack unwinds in reverse): open widget sockets would
    // otherwise hold the close until its force timeout.
    stack.push(() => messaging.stop());
    port = (server.address() as AddressInfo).port;

    await messaging.start(adapters);

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

/** Stops accepting connections, lets in-flight requests finish, then drops idle keep-alives. */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 5000);
  await closed;
  clearTimeout(force);
}
