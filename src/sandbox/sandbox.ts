import { once } from 'node:events';
import { createServer } from 'node:net';
import { loadConfig } from '../config/config';
import { systemClock } from '../domain/ports';
import { startHub, type Hub, type HubOptions } from '../hub';
import { LOCALES } from '../infra/i18n';
import type { Logger } from '../infra/logger';
import type { ChatTarget, Snapshot } from '../../widget/sandbox/protocol';
import { Checklist } from './checklist';
import { SandboxCustomers } from './customers';
import { seedDemoCompany } from './demo-company';
import { DEMO_CUSTOMERS, DEMO_STAFF, HEADS_GROUP, staffByKey } from './demo-people';
import { createSandboxPage, type SandboxPage } from './sandbox-page';
import { sandboxCredentials, sandboxEnv } from './sandbox-env';
import type { PageUser } from './stand-ins/bot-api';
import { startStandIns, type StandIns } from './stand-ins/stand-in-server';

/** How often the checklist looks at the data besides after each chat event. */
const CHECKLIST_POLL_MS = 2000;

export interface Sandbox {
  url: string;
  hub(): Hub;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Start over from the demo data (`npm run sandbox -- --reset`). */
  reset?: boolean;
  hubOptions?: Omit<HubOptions, 'logger' | 'extras' | 'host'>;
}

/**
 * The whole product on one machine without a single token: the real hub, every channel switched
 * on against loopback stand-ins, the demo company seeded once, and the `/sandbox` page that plays
 * every person. Started only as the sandbox (or by `npm start` with no channel credentials).
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { logger } = options;
  const credentials = sandboxCredentials();
  const standIns = await startStandIns(
    {
      botTokens: { manager: credentials.managerToken, customer: credentials.customerToken },
      vkToken: credentials.vkToken,
      viberToken: credentials.viberToken,
    },
    (id) => `/sandbox/files/${id}`,
  );
  const port = await choosePort(options.env.PORT);
  const config = loadConfig(sandboxEnv(options.env, credentials, standIns.urls, port));
  const language = config.env.DEFAULT_LOCALE;
  const hubUrl = `http://127.0.0.1:${port}`;
  const customers = new SandboxCustomers({
    standIns,
    credentials,
    hubUrl: () => hubUrl,
    language,
  });

  let hub: Hub | undefined;
  let checklist: Checklist | undefined;
  let resetting: Promise<void> | undefined;
  /** Settles once the hub has started and the demo company is in place. */
  let ready: Promise<void> = Promise.resolve();
  const page: SandboxPage = createSandboxPage({
    controls: {
      snapshot: async () => {
        await ready;
        return snapshot(standIns, checklist);
      },
      say: async (target, text, replyTo) => {
        if (target.kind === 'customer') return customers.say(target.channel, text);
        const { user, group } = speaker(target, language);
        standIns.telegram.say('manager', user, text, {
          ...(group ? { group } : {}),
          ...(replyTo ? { replyTo } : {}),
        });
      },
      press: (target, messageId, data) => {
        if (target.kind === 'customer') {
          const { id, name } = DEMO_CUSTOMERS.telegram;
          standIns.telegram.press('customer', { id, name, language }, String(id), messageId, data);
          return;
        }
        const { user, group } = speaker(target, language);
        standIns.telegram.press(
          'manager',
          user,
          String(group?.id ?? user.id),
          messageId,
          data,
          group,
        );
      },
      reset: () => (resetting ??= restart(true).finally(() => (resetting = undefined))),
      file: (id) => standIns.telegram.file(id),
    },
    languages: LOCALES,
    defaultLanguage: language,
    strings: (lng) =>
      (hub?.translator.instance.getResourceBundle(lng, 'sandbox') as Record<string, unknown>) ?? {},
    onError: (error) => logger.warn({ err: error }, 'a sandbox action failed'),
  });
  standIns.log.on((event) => {
    page.broadcast(event);
    void tick();
  });
  const poll = setInterval(() => void tick(), CHECKLIST_POLL_MS);
  poll.unref();

  async function tick(): Promise<void> {
    const ticked = await checklist?.refresh().catch(() => false);
    if (ticked && checklist) page.steps(checklist.current());
  }

  async function boot(reset: boolean): Promise<void> {
    let seeded!: () => void;
    ready = new Promise((resolve) => (seeded = resolve));
    const hubOptions = { ...options.hubOptions, logger, host: config.env.SANDBOX_HOST };
    if (reset) {
      // A hub without the page empties the database: pages wait for the one that seeds it.
      const scratch = await startHub(config, hubOptions);
      await scratch.database.connection.dropDatabase();
      await scratch.stop();
    }
    hub = await startHub(config, {
      ...hubOptions,
      extras: { routers: [page.router], attach: (server) => page.attach(server) },
    });
    const { models } = hub.database;
    // The hub's own clock: the demo's dates and the checklist agree with what the hub stamps.
    const clock = hubOptions.clock ?? systemClock;
    if ((await models.User.countDocuments()) === 0) {
      await seedDemoCompany({ models, engine: hub.process.engine, language, now: clock.now() });
      // The staff start with clean chats: the seed's notices are history, their tasks are in
      // /tasks, and a stale card of a task done while seeding would only puzzle.
      await hub.managerBot?.deliverNow();
      standIns.log.clear({ keepMenus: true });
      logger.info('sandbox: the demo company is seeded');
    }
    checklist = new Checklist({ models, log: standIns.log, since: clock.now() });
    seeded();
  }

  async function stopHub(): Promise<void> {
    page.disconnect();
    await hub?.stop();
    hub = undefined;
    checklist = undefined;
  }

  async function restart(reset: boolean): Promise<void> {
    await stopHub();
    standIns.log.clear();
    standIns.telegram.reset();
    await boot(reset);
  }

  await boot(options.reset ?? false);
  const url = `${config.env.PUBLIC_URL}/sandbox`;
  logger.info({ url }, `sandbox: open ${url}`);
  return {
    url,
    hub: () => hub!,
    async stop() {
      clearInterval(poll);
      await resetting?.catch(() => undefined);
      await stopHub();
      await standIns.close();
    },
  };
}

function speaker(target: Exclude<ChatTarget, { kind: 'customer' }>, language: 'ru' | 'en') {
  const person = staffByKey(target.kind === 'staff' ? target.key : target.as);
  if (!person) throw new Error('no such person in the demo company');
  const user: PageUser = { id: person.telegramId, name: person.name, language };
  return { user, ...(target.kind === 'group' ? { group: HEADS_GROUP } : {}) };
}

function snapshot(standIns: StandIns, checklist: Checklist | undefined): Snapshot {
  const { log } = standIns;
  const staff = DEMO_STAFF.map((person) => ({
    key: person.key,
    name: person.name,
    label: person.label,
    chatId: String(person.telegramId),
  }));
  const customers = (['telegram', 'vk', 'viber'] as const).map((channel) => ({
    channel,
    name: DEMO_CUSTOMERS[channel].name,
    chatId: String(DEMO_CUSTOMERS[channel].id),
  }));
  const chats: [Snapshot['commands'][number]['service'], string][] = [
    ...staff.map((person) => ['manager', person.chatId] as ['manager', string]),
    ['manager', String(HEADS_GROUP.id)],
    ['customer', customers[0]!.chatId],
    ['vk', customers[1]!.chatId],
    ['viber', customers[2]!.chatId],
  ];
  return {
    staff,
    group: {
      chatId: String(HEADS_GROUP.id),
      title: HEADS_GROUP.title,
      members: DEMO_STAFF.filter((p) => p.role === 'head' || p.role === 'admin').map((p) => p.key),
    },
    customers,
    messages: chats.flatMap(([service, chatId]) => log.history(service, chatId)),
    commands: chats.map(([service, chatId]) => ({
      service,
      chatId,
      commands: log.commands(service, chatId),
    })),
    done: checklist?.current() ?? [],
  };
}

/** The asked port, or (for `PORT=0`) a free one: the hub's public URL must name it up front. */
async function choosePort(asked: string | undefined): Promise<number> {
  const port = Number(asked ?? 3000);
  if (port !== 0) return port;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const free = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return free;
}
