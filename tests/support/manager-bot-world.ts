import { SYSTEM } from '../../src/app/process/actor';
import type { TaskSubject } from '../../src/domain/task';
import type { Hub, HubOptions } from '../../src/hub';
import { plain } from '../../src/store/repositories/plain';
import { botInfo } from './bot-info';
import { testDatabaseUri } from './database';
import { FakeTelegram, type FakeUser } from './fake-telegram';
import { startFakeVk, type FakeVk } from './fake-vk';
import { startTestHub } from './hub';

const TOKEN = '123456:manager-bot-token';
const SECRET = 'manager-webhook-secret';
const VK_GROUP = 218734512;
const VK_SECRET = 'vk-callback-secret';

/** Neither the server's zone nor the default: due times must be read in this one. */
export const ZONE = 'Asia/Yekaterinburg';

/** Customers write "now", so the reply clock has not run out while a test looks. */
export const SENT_AT = Math.floor(Date.now() / 1000);

/** The hub with its manager bot on a fake Bot API, a fake VK, and the people who talk to it. */
export const world = {} as {
  telegram: FakeTelegram;
  vk: FakeVk;
  hub: Hub;
  admin: FakeUser;
  dispatcher: FakeUser;
  seller: FakeUser;
  operator: FakeUser;
  stranger: FakeUser;
};

/**
 * One such world per test file, started before its tests and stopped after them; `env` adds to
 * the hub's settings (another process definition, say), `hubOptions` to its options (a clock).
 */
export function useManagerBotWorld(
  env: NodeJS.ProcessEnv = {},
  hubOptions: Omit<HubOptions, 'logger' | 'managerBotInfo'> = {},
): void {
  beforeAll(async () => {
    // A world left from the previous file is not this one's.
    Object.assign(world, { hub: undefined, telegram: undefined, vk: undefined });
    world.telegram = await FakeTelegram.start({
      token: TOKEN,
      secret: SECRET,
      hubUrl: () => `http://127.0.0.1:${world.hub.port}/webhooks/telegram/manager`,
    });
    world.vk = await startFakeVk({ token: 'vk-group-token', groupId: VK_GROUP });
    world.hub = await startTestHub(
      testDatabaseUri(),
      {
        TELEGRAM_MODE: 'webhook',
        PUBLIC_URL: world.telegram.publicUrl,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_MANAGER_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: world.telegram.apiRoot,
        ADMIN_TELEGRAM_IDS: '1001',
        COMPANY_TIMEZONE: ZONE,
        VK_API_BASE_URL: world.vk.apiBaseUrl,
        VK_GROUP_ID: String(VK_GROUP),
        VK_GROUP_TOKEN: 'vk-group-token',
        VK_CALLBACK_SECRET: VK_SECRET,
        VK_CONFIRMATION_CODE: 'a1b2c3d4',
        ...env,
      },
      { ...hubOptions, managerBotInfo: botInfo(123456, 'linehub_staff_bot') },
    );
    world.admin = world.telegram.user(1001, 'Анна');
    world.dispatcher = world.telegram.user(1002, 'Дарья');
    world.seller = world.telegram.user(1003, 'Семён');
    world.operator = world.telegram.user(1004, 'Ольга');
    world.stranger = world.telegram.user(1099, 'Незнакомец');
  });
  // Stops whatever started, even after a start that failed halfway (a fake left listening would
  // keep the test process from exiting).
  afterAll(async () => {
    try {
      await world.hub?.database.connection.dropDatabase();
    } finally {
      await world.hub?.stop();
      await world.telegram?.stop();
      await world.vk?.close();
    }
  });
}

export const deliver = () => world.hub.managerBot!.deliverNow();

export async function invite(role: string, department: string, person: FakeUser): Promise<string> {
  await world.admin.command(`/invite ${role} ${department}`);
  const payload = /start=(inv_[\w-]+)/.exec(world.admin.lastText())?.[1];
  expect(payload).toBeDefined();
  await person.command(`/start ${payload}`);
  return payload!;
}

/** The admin starts the bot and invites a dispatcher, a sales and an operations manager. */
export async function registerTeam(): Promise<void> {
  await world.admin.command('/start');
  await invite('dispatcher', 'sales', world.dispatcher);
  await invite('manager', 'sales', world.seller);
  await invite('manager', 'operations', world.operator);
}

/**
 * Walks a lead through sales (Семён its manager) to its hand-off, as the system, into one standard
 * order; the deal's first task goes to operations. A test that needs a deal at operations' first
 * step seeds it with this instead of relying on an earlier test's.
 */
export async function standardDealOf(lead: TaskSubject): Promise<TaskSubject> {
  const { Task, Deal, User } = world.hub.database.models;
  const seller = (await User.findOne({ telegramId: world.seller.id }).lean())!._id;
  await world.hub.process.engine.fillFields(
    lead,
    { employees: 12, area: '80 м²', brief: { fileRef: 'tg:brief', name: 'brief.pdf' } },
    SYSTEM,
  );
  for (;;) {
    const task = plain<{ id: string; chain: { stepId: string } }>(
      await Task.findOne({ 'subject.id': lead.id, status: 'open' }).lean(),
    );
    const handOff = task.chain.stepId === 'hand_off';
    const input =
      task.chain.stepId === 'choose_manager'
        ? { assignTo: seller.toHexString() }
        : handOff
          ? { dealTypes: ['standard'] }
          : {};
    await world.hub.process.engine.completeTask(task.id, SYSTEM, input);
    if (handOff) break;
  }
  await deliver();
  const deal = await Deal.findOne({ leadId: lead.id }).lean();
  return { kind: 'deal', id: deal!._id.toHexString() };
}

export async function openTaskOf(person: FakeUser) {
  const { User, Task } = world.hub.database.models;
  const user = await User.findOne({ telegramId: person.id }).lean();
  return Task.findOne({ assigneeId: user!._id, status: 'open' }).lean();
}

/** Posts to the VK webhook and waits until the hub has ingested what it acknowledged. */
export async function postVk(event: unknown) {
  const response = await fetch(`http://127.0.0.1:${world.hub.port}/webhooks/vk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  await world.hub.messaging.inbox.drained();
  return response;
}

const vkPayload = (peer: number, id: number, text: string) => ({
  id,
  date: SENT_AT,
  peer_id: peer,
  from_id: peer,
  text,
  out: 0,
  attachments: [],
  conversation_message_id: id,
});

export const vkMessage = (
  type: 'message_new' | 'message_edit',
  peer: number,
  id: number,
  text: string,
) => ({
  type,
  event_id: `${type}-${id}-${text.length}`,
  v: '5.199',
  group_id: VK_GROUP,
  secret: VK_SECRET,
  // VK wraps a new message with client info; an edit carries the message itself.
  object:
    type === 'message_new'
      ? { message: vkPayload(peer, id, text), client_info: {} }
      : vkPayload(peer, id, text),
});
