import { botInfo } from '../support/bot-info';
import { eventually } from '../support/database';
import { buttonsOf, FakeTelegram, type FakeUser } from '../support/fake-telegram';
import { startLoopbackServer, type LoopbackServer } from '../support/http-fake';
import { startTestHub } from '../support/hub';
import {
  deliver,
  invite,
  postVk,
  registerTeam,
  useManagerBotWorld,
  vkMessage,
  world,
  ZONE,
} from '../support/manager-bot-world';

/** A `setMyCommands` or `deleteMyCommands` the bot sent. */
interface MenuCall {
  method: string;
  /** `default`, `all_private_chats`, or `chat:<id>` for one person's private chat. */
  scope: string;
  language?: string;
  commands: { command: string; description: string }[];
}

let recorder: LoopbackServer;
const menuCalls: MenuCall[] = [];

/**
 * telegram-test-api knows no command menus: a loopback server in front of it answers and records
 * the menu calls and passes every other call on unchanged.
 */
beforeAll(async () => {
  recorder = await startLoopbackServer(async (request, body, response) => {
    const method = /\/bot[^/]+\/(\w+)/.exec(request.url ?? '')?.[1] ?? '';
    if (method === 'setMyCommands' || method === 'deleteMyCommands') {
      const payload = JSON.parse(body.toString('utf8') || '{}') as {
        scope?: { type: string; chat_id?: number };
        language_code?: string;
        commands?: MenuCall['commands'];
      };
      const scope = payload.scope ?? { type: 'default' };
      menuCalls.push({
        method,
        scope: scope.type === 'chat' ? `chat:${scope.chat_id}` : scope.type,
        ...(payload.language_code ? { language: payload.language_code } : {}),
        commands: payload.commands ?? [],
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, result: true }));
      return;
    }
    const passed = await fetch(`${world.telegram.server.config.apiURL}${request.url}`, {
      method: request.method ?? 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      ...(request.method === 'GET' ? {} : { body }),
    });
    response.writeHead(passed.status, {
      'content-type': passed.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await passed.arrayBuffer()));
  });
  // The hub is given the recorder as its Bot API root; people still talk to the fake itself.
  jest.spyOn(FakeTelegram.prototype, 'apiRoot', 'get').mockReturnValue(recorder.url);
});
useManagerBotWorld();
afterAll(() => recorder.close());

let admin: FakeUser;
let dispatcher: FakeUser;
let seller: FakeUser;
/** A head who speaks English. */
let helen: FakeUser;

beforeAll(async () => {
  ({ admin, dispatcher, seller } = world);
  await registerTeam();
  helen = world.telegram.user(1005, 'Helen', 'en');
  await invite('head', 'sales', helen);
});

const menusOf = (chatId: number) => menuCalls.filter((call) => call.scope === `chat:${chatId}`);
/** The menu a person has now, once the bot has set one. */
const menuOf = (person: FakeUser) => eventually(async () => menusOf(person.id).at(-1));
const names = (call: MenuCall) => call.commands.map((entry) => entry.command);
const commandsIn = (text: string) => [...text.matchAll(/\/([a-z_]+)/g)].map((found) => found[1]!);

const EVERYONE = ['lang', 'cancel', 'help'];
const MANAGER = [
  ...['tasks', 'task', 'leads', 'deals', 'new', 'find', 'report', 'online', 'offline', 'schedule'],
  ...EVERYONE,
];
const DISPATCHER = [
  ...['tasks', 'task', 'leads', 'deals', 'new', 'find', 'report', 'schedule'],
  ...EVERYONE,
];
const HEAD = [
  ...['tasks', 'task', 'leads', 'deals', 'team', 'report', 'plan', 'find', 'new', 'sla'],
  ...['import', 'export', 'schedule', ...EVERYONE],
];
const ADMIN = [
  ...['tasks', 'task', 'leads', 'deals', 'team', 'report', 'plan', 'new', 'find', 'invite'],
  ...['users', 'role'],
  ...['deactivate', 'routes'],
  ...['route_test', 'audit', 'inbox', 'sla', 'set_alerts', 'import', 'export', 'schedule'],
  ...EVERYONE,
];

const HINT_RU = 'Не понял. /help — что я умею. Чтобы ответить клиенту, ответьте на его карточку.';
const HINT_EN =
  "I didn't understand. /help lists what I can do. To answer a client, reply to their card.";
const HINT = /^(Не понял|I didn't understand|Не знаю команды|I don't know the command)/;
const isHint = (text: string) => HINT.test(text);

describe('the "/" menus', () => {
  it('gives newcomers, in Russian, in English and by default, the way in', async () => {
    const newcomers = await eventually(async () => {
      const found = menuCalls.filter((call) => call.scope === 'all_private_chats');
      return found.length === 3 && found;
    });
    expect(newcomers.map((call) => [call.language, names(call)])).toEqual([
      [undefined, ['start', 'help']],
      ['ru', ['start', 'help']],
      ['en', ['start', 'help']],
    ]);
    expect(newcomers.map((call) => call.commands[0]!.description)).toEqual([
      'Начать работу или принять приглашение',
      'Начать работу или принять приглашение',
      'Start, or accept an invitation',
    ]);
    const groups = menuCalls.filter((call) => call.scope === 'default');
    expect(groups.map((call) => [call.language, call.commands])).toEqual([
      [undefined, [{ command: 'help', description: 'Что я умею' }]],
      ['ru', [{ command: 'help', description: 'Что я умею' }]],
      ['en', [{ command: 'help', description: 'What I can do' }]],
    ]);
  });

  it("gives each member of the staff their role's menu in their own language", async () => {
    const adminMenu = await menuOf(admin);
    const dispatcherMenu = await menuOf(dispatcher);
    const sellerMenu = await menuOf(seller);
    const headMenu = await menuOf(helen);
    expect(names(adminMenu)).toEqual(ADMIN);
    expect(names(dispatcherMenu)).toEqual(DISPATCHER);
    expect(names(sellerMenu)).toEqual(MANAGER);
    expect(names(headMenu)).toEqual(HEAD);
    expect(sellerMenu.commands.slice(0, 2)).toEqual([
      { command: 'tasks', description: 'Мои открытые задачи' },
      { command: 'task', description: 'Задача себе' },
    ]);
    expect(headMenu.commands.find((entry) => entry.command === 'sla')?.description).toBe(
      'Client reply deadlines',
    );
    // A person's own menu follows their chosen language, not their Telegram app's.
    expect([adminMenu, sellerMenu, headMenu].map((call) => call.language)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('sets a menu once, not with every message', async () => {
    const set = menusOf(seller.id).length;
    expect(set).toBe(1);
    await seller.command('/tasks');
    await seller.command('/help');
    await seller.say({ text: 'ау' });
    expect(menusOf(seller.id)).toHaveLength(set);
  });

  it('follows a change of language and of role, and is taken away from someone deactivated', async () => {
    await seller.command('/lang en');
    await eventually(
      async () => (await menuOf(seller)).commands[0]!.description === 'My open tasks',
    );
    await seller.command('/lang ru');
    await eventually(
      async () => (await menuOf(seller)).commands[0]!.description === 'Мои открытые задачи',
    );
    expect(menusOf(seller.id)).toHaveLength(3);

    const peter = world.telegram.user(1006, 'Пётр');
    await invite('manager', 'sales', peter);
    expect(names(await menuOf(peter))).toEqual(MANAGER);
    await admin.command(`/role ${peter.id} head`);
    await eventually(async () => names(await menuOf(peter)).includes('sla'));
    expect(names(await menuOf(peter))).toEqual(HEAD);

    await admin.command(`/deactivate ${peter.id}`);
    const last = await eventually(async () => {
      const call = menusOf(peter.id).at(-1);
      return call?.method === 'deleteMyCommands' && call;
    });
    expect(last.commands).toEqual([]);
  });
});

describe('/help', () => {
  it('tells a manager what they can do and whether new leads reach them', async () => {
    await seller.command('/help');
    const help = seller.lastText();
    expect(help).toMatch(/^ℹ️ Семён, ваша роль: менеджер\. Вот что я умею\./);
    expect(help).toContain('Чтобы ответить, ответьте на карточку');
    expect(help).toContain('/tasks — мои открытые задачи');
    expect(help).toContain('/online — в сети, принимаю новые лиды');
    expect(help).toMatch(/Сейчас вы не в сети: новые лиды вам не приходят\. Отправьте \/online/);
    expect(commandsIn(help)).not.toContain('routes');
    expect(commandsIn(help)).not.toContain('invite');
    expect(help).not.toMatch(/\{\{|\}\}/);

    await seller.command('/online');
    await seller.command('/help');
    expect(seller.lastText()).toMatch(/Сейчас вы в сети: новые лиды приходят вам/);
  });

  it('tells a dispatcher, a head and an admin what their roles add', async () => {
    await dispatcher.command('/help');
    expect(dispatcher.lastText()).toMatch(/^ℹ️ Дарья, ваша роль: диспетчер\./);
    expect(dispatcher.lastText()).toContain('какой менеджер возьмёт лид');
    expect(commandsIn(dispatcher.lastText())).not.toContain('online');

    await helen.command('/help');
    const head = helen.lastText();
    expect(head).toMatch(/^ℹ️ Helen, your role: head\. Here is what I can do\./);
    expect(head).toContain('To answer, reply to the card');
    expect(head).toContain('Red alerts');
    expect(head).toContain('/sla — client reply deadlines');
    expect(commandsIn(head)).not.toContain('routes');

    await admin.command('/help');
    const all = admin.lastText();
    expect(all).toMatch(/^ℹ️ Анна, ваша роль: администратор\./);
    for (const command of ['invite', 'users', 'role', 'deactivate', 'routes', 'audit', 'inbox']) {
      expect(commandsIn(all)).toContain(command);
    }
    for (const text of [head, all]) expect(text).not.toMatch(/\{\{|\}\}/);
  });

  it('names only commands the bot knows', async () => {
    await admin.command('/help');
    await helen.command('/help');
    const named = new Set([
      ...commandsIn(admin.lastText()),
      ...commandsIn(helen.lastText()),
      ...ADMIN,
      ...MANAGER,
    ]);
    for (const command of named) {
      await admin.command(`/${command}`);
      expect({ command, answer: admin.lastText() }).not.toEqual({
        command,
        answer: expect.stringMatching(HINT),
      });
    }
  });
});

describe('welcome texts', () => {
  it("list the role's commands and send a new manager online", async () => {
    const oleg = world.telegram.user(1007, 'Олег');
    await invite('manager', 'operations', oleg);
    const welcome = oleg.lastText();
    expect(welcome).toMatch(/^Добро пожаловать в команду, Олег! Ваша роль: менеджер\./);
    expect(welcome).toContain('/tasks — Мои открытые задачи\n/task — Задача себе\n');
    expect(welcome).toContain('/online — В сети: принимаю новые лиды');
    expect(welcome).toMatch(/Сейчас вы не в сети: .*Отправьте \/online, когда будете готовы/);
    expect(welcome).not.toMatch(/\{\{|\}\}/);

    // Seller is online (the /help test sent him there; alone, this test does): he is told so.
    await seller.command('/online');
    await seller.command('/start');
    expect(seller.lastText()).toMatch(/^Здравствуйте, Семён! Ваша роль: менеджер\./);
    expect(seller.lastText()).toMatch(/Сейчас вы в сети: новые лиды приходят вам/);
  });

  it('speak English to an English-speaking head and say nothing of going online', async () => {
    await helen.command('/start');
    const welcome = helen.lastText();
    expect(welcome).toMatch(/^Hello, Helen! Your role: head\./);
    expect(welcome).toContain('/sla — Client reply deadlines');
    expect(welcome).toContain('to answer a client, reply to their card');
    expect(commandsIn(welcome)).not.toContain('online');
  });
});

describe('unknown input', () => {
  it('answers stray text, an unknown command and a stray file with what to do', async () => {
    await seller.say({ text: 'когда обед?' });
    expect(seller.lastText()).toBe(HINT_RU);
    await seller.command('/weather');
    expect(seller.lastText()).toBe('Не знаю команды /weather. /help — что я умею.');
    await seller.say({ document: { file_id: 'BQACAgIAAxkBAAID', file_name: 'price.pdf' } });
    expect(seller.lastText()).toBe(
      'Чтобы передать файл клиенту, пришлите его ответом на карточку клиента. /help — что я умею.',
    );

    await helen.say({ text: 'hello?' });
    expect(helen.lastText()).toBe(HINT_EN);
    await helen.command('/forecast');
    expect(helen.lastText()).toBe("I don't know the command /forecast. /help lists what I can do.");
  });

  it('keeps refusing strangers, and stays out of a group unless called by name', async () => {
    await world.stranger.say({ text: 'привет' });
    expect(world.stranger.lastText()).toMatch(/только для сотрудников/);

    const group = -100777;
    const inGroup = world.telegram.member(helen.id, 'Helen', group, 'en');
    await inGroup.say({ text: 'morning, team' });
    await inGroup.command('/forecast');
    expect(world.telegram.chatTexts(group)).toEqual([]);
    await inGroup.command('/forecast@linehub_staff_bot');
    expect(world.telegram.chatTexts(group)).toEqual([
      "I don't know the command /forecast. /help lists what I can do.",
    ]);
  });

  it('leaves a reply to a client card, a dialog answer and a prompt answer to their handlers', async () => {
    await postVk(vkMessage('message_new', 730101, 9101, 'Добрый день! Есть доставка в Тулу?'));
    await deliver();
    const card = dispatcher.history().findLast((m) => m.text.includes('доставка в Тулу'))!;
    const before = dispatcher.history().length;
    await dispatcher.reply(card, { text: 'Есть, по вторникам.' });
    expect(dispatcher.lastText()).toMatch(/^(⏳ Отправляем клиенту…|✓ Доставлено клиенту)$/);
    await dispatcher.press('↩️ Ответить', card);
    await dispatcher.reply(dispatcher.history().at(-1)!, { text: 'Стоимость — 500 ₽.' });
    expect(dispatcher.lastText()).toMatch(/^(⏳ Отправляем клиенту…|✓ Доставлено клиенту)$/);
    expect(dispatcher.texts().slice(before).filter(isHint)).toEqual([]);

    await seller.command('/task Позвонить в бухгалтерию');
    const task = seller.history().at(-1)!;
    expect(buttonsOf(task).map((button) => button.text)).toContain('📆 Выбрать дату');
    const said = seller.history().length;
    await seller.press('📆 Выбрать дату', task);
    await seller.say({ text: 'когда-нибудь' });
    expect(seller.lastText()).toMatch(/^Не получилось прочитать дату/);
    await seller.say({ text: 'завтра 12:00' });
    expect(seller.lastText()).toMatch(/^⏰ Перенесено на/);
    expect(seller.texts().slice(said).filter(isHint)).toEqual([]);
  });
});

describe('after a restart', () => {
  it("sets each active staff member's menu once, and not again when they write", async () => {
    // One who joined and one who left before the restart (earlier tests may have added more).
    const inna = world.telegram.user(1009, 'Инна');
    await invite('manager', 'sales', inna);
    const pavel = world.telegram.user(1010, 'Павел');
    await invite('manager', 'sales', pavel);
    await admin.command(`/deactivate ${pavel.id}`);
    const staff = await world.hub.database.models.User.find({ active: true }).lean();
    const active = staff.map((person) => `chat:${person.telegramId}`).sort();
    expect(active).toEqual(
      expect.arrayContaining([1001, 1002, 1003, 1004, 1005, inna.id].map((id) => `chat:${id}`)),
    );
    expect(active).not.toContain(`chat:${pavel.id}`);
    const uri = `${process.env.LINEHUB_TEST_MONGO}/${world.hub.database.connection.name}`;
    await world.hub.stop();
    menuCalls.length = 0;
    world.hub = await startTestHub(
      uri,
      {
        TELEGRAM_MODE: 'webhook',
        PUBLIC_URL: world.telegram.publicUrl,
        // The world's relay adds this secret to every update it passes on.
        TELEGRAM_WEBHOOK_SECRET: 'manager-webhook-secret',
        TELEGRAM_MANAGER_BOT_TOKEN: world.telegram.token,
        TELEGRAM_API_ROOT: recorder.url,
        ADMIN_TELEGRAM_IDS: '1001',
        COMPANY_TIMEZONE: ZONE,
      },
      { managerBotInfo: botInfo(123456, 'linehub_staff_bot') },
    );
    // Everyone active, one call each; nobody deactivated.
    const people = () => menuCalls.filter((call) => call.scope.startsWith('chat:'));
    await eventually(async () => people().length >= active.length);
    expect(
      people()
        .map((call) => call.scope)
        .sort(),
    ).toEqual(active);
    expect(names(people().find((call) => call.scope === `chat:${seller.id}`)!)).toEqual(MANAGER);

    await seller.command('/tasks');
    await admin.command('/help');
    expect(admin.lastText()).toMatch(/^ℹ️ Анна, ваша роль: администратор\./);
    expect(people()).toHaveLength(active.length);
  });
});
