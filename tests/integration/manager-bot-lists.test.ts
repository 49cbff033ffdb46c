import type { Types } from 'mongoose';
import type { StoredBotUpdate } from 'telegram-test-api/lib/telegramServer';
import { buttonsOf, type FakeUser } from '../support/fake-telegram';
import { invite, registerTeam, useManagerBotWorld, world } from '../support/manager-bot-world';

useManagerBotWorld();

let admin: FakeUser;
let dispatcher: FakeUser;
let seller: FakeUser;
let operator: FakeUser;
/** A second sales manager. */
let peter: FakeUser;
/** The head of sales, who speaks English. */
let helen: FakeUser;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const idOf = async (person: FakeUser): Promise<Types.ObjectId> => {
  const user = await world.hub.database.models.User.findOne({ telegramId: person.id }).lean();
  return user!._id;
};

/** A client with an open lead at a stage, held by a sales manager (or nobody). */
async function seedLead(name: string, stage: string, sales?: Types.ObjectId) {
  const { Contact, Lead } = world.hub.database.models;
  const contact = await Contact.create({ name });
  const lead = await Lead.create({
    contactId: contact._id,
    source: { kind: 'manual', type: 'cold_call' },
    stage,
    responsibles: sales ? { sales } : {},
  });
  return { contact, lead };
}

/** The client wrote `ago` ms before now and nobody has answered yet. */
async function waitingFor(contactId: Types.ObjectId, ago: number) {
  await world.hub.database.models.Conversation.create({
    contactId,
    channel: 'telegram',
    chatId: `chat-${contactId.toHexString()}`,
    awaitingReplySince: new Date(Date.now() - ago),
    lastInboundAt: new Date(Date.now() - ago),
  });
}

const last = (person: FakeUser) => person.history().at(-1)!;
/** The numbered lines of a list message. */
const linesOf = (message: StoredBotUpdate['message']) =>
  message.text.split('\n').filter((line: string) => /^\d+\. /.test(line));
const labels = (message: StoredBotUpdate['message']) => buttonsOf(message).map((b) => b.text);
const noPlaceholders = (message: StoredBotUpdate['message']) =>
  expect(message.text + labels(message).join('|')).not.toMatch(/\{\{|\}\}|[a-z]+_[a-z]+/);

/** Presses a button of a message and returns the same message as it is now (edited in place). */
async function pressOn(person: FakeUser, message: StoredBotUpdate['message'], label: string) {
  const sent = person.history().length;
  await person.press(label, message);
  expect(person.history()).toHaveLength(sent);
  const id = (message as { message_id?: number }).message_id;
  return person.history().find((m) => (m as { message_id?: number }).message_id === id)!;
}

let sellerContacts: Types.ObjectId[];

beforeAll(async () => {
  ({ admin, dispatcher, seller, operator } = world);
  await registerTeam();
  peter = world.telegram.user(1006, 'Пётр');
  await invite('manager', 'sales', peter);
  helen = world.telegram.user(1005, 'Helen', 'en');
  await invite('head', 'sales', helen);
  // registerTeam leaves the newcomers' welcome as the last message; the lists come after it.
  const [sellerId, peterId, operatorId] = await Promise.all(
    [seller, peter, operator].map((person) => idOf(person)),
  );

  // Семён: 12 open leads (two pages), three of them at the proposal stage, one closed.
  sellerContacts = [];
  for (let n = 1; n <= 12; n++) {
    const { contact } = await seedLead(
      `Клиент Семёна ${n}`,
      n <= 3 ? 'proposal' : 'identification',
      sellerId,
    );
    sellerContacts.push(contact._id);
  }
  const closed = await seedLead('Закрытый клиент Семёна', 'junk', sellerId);
  await world.hub.database.models.Lead.updateOne({ _id: closed.lead._id }, { closed: true });
  // Пётр: two; nobody yet: one (the dispatcher's and the head's); Ольга from operations: one.
  await seedLead('Клиент Петра 1', 'identification', peterId);
  await seedLead('Клиент Петра 2', 'identification', peterId);
  await seedLead('Ничей клиент', 'new');
  await seedLead('Клиент Ольги', 'identification', operatorId);

  // Clients of Семён waiting 10 min, 30 min, 3 h and 5 h for an answer.
  await waitingFor(sellerContacts[3]!, 10 * MINUTE);
  await waitingFor(sellerContacts[4]!, 30 * MINUTE);
  await waitingFor(sellerContacts[5]!, 3 * HOUR);
  await waitingFor(sellerContacts[6]!, 5 * HOUR);

  // Deals: Семён sold one and Пётр one, both run by Ольга.
  const { Deal, Task } = world.hub.database.models;
  await Deal.create({
    contactId: sellerContacts[0],
    type: 'standard',
    stage: 'documents',
    responsibles: { sales: sellerId, operations: operatorId },
  });
  const peterClient = await world.hub.database.models.Contact.create({ name: 'Сделка Петра' });
  await Deal.create({
    contactId: peterClient._id,
    type: 'design',
    stage: 'approval',
    responsibles: { sales: peterId, operations: operatorId },
  });

  // Семён's tasks: twelve, the first one overdue.
  for (let n = 1; n <= 12; n++) {
    await Task.create({
      key: `lists-test-${n}`,
      title: { ru: `Задача ${n}`, en: `Task ${n}` },
      assigneeId: sellerId,
      due: new Date(Date.now() + (n === 1 ? -HOUR : n * HOUR)),
    });
  }
});

describe('/leads and /deals', () => {
  it('shows a manager only their own open leads, ten a page, and pages in place', async () => {
    await seller.command('/leads');
    const list = last(seller);
    expect(list.text).toMatch(/^📂 Мои лиды · стр\. 1\nСтадия: любая · Ожидание ответа: любое\n/);
    const lines = linesOf(list);
    expect(lines).toHaveLength(10);
    for (const line of lines) {
      expect(line).toMatch(/^\d+\. #[0-9a-f]{6} · Клиент Семёна \d+ · .+ · Семён/);
    }
    expect(list.text).toContain('Выявление потребности');
    expect(list.text).not.toContain('identification');
    // The client waiting 5 h says so on their line.
    expect(list.text).toMatch(
      /Клиент Семёна 7 · Выявление потребности · Семён · ⏳ ждёт (4 ч 59 мин|5 ч)/,
    );
    expect(labels(list)).toContain('▶️');
    expect(labels(list)).not.toContain('◀️');
    noPlaceholders(list);

    const next = await pressOn(seller, list, '▶️');
    expect(next.text).toMatch(/^📂 Мои лиды · стр\. 2/);
    expect(linesOf(next)).toHaveLength(2);
    expect(linesOf(next)[0]).toMatch(/^11\. /);
    expect(labels(next)).toContain('◀️');
    expect(labels(next)).not.toContain('▶️');
    const back = await pressOn(seller, next, '◀️');
    expect(linesOf(back)).toHaveLength(10);
  });

  it("shows a head their department's leads and unassigned ones, an admin all", async () => {
    await helen.command('/leads');
    const list = last(helen);
    expect(list.text).toMatch(
      /^📂 Department's leads · page 1\nStage: any · Waiting for a reply: any/,
    );
    const page2 = await pressOn(helen, list, '▶️');
    const seen = [...linesOf(list), ...linesOf(page2)].join('\n');
    expect(linesOf(list).length + linesOf(page2).length).toBe(15);
    expect(seen).toContain('Клиент Петра 2');
    expect(seen).toMatch(/Ничей клиент · New request · unassigned/);
    expect(seen).not.toContain('Клиент Ольги');
    expect(seen).not.toContain('Закрытый');
    noPlaceholders(page2);

    await admin.command('/leads');
    const all = last(admin);
    expect(all.text).toMatch(/^📂 Все лиды/);
    const allPage2 = await pressOn(admin, all, '▶️');
    expect(linesOf(all).length + linesOf(allPage2).length).toBe(16);
    expect(allPage2.text + all.text).toContain('Клиент Ольги');

    await peter.command('/leads');
    expect(linesOf(last(peter))).toEqual([
      expect.stringMatching(/^1\. #\w{6} · Клиент Петра 2 · /),
      expect.stringMatching(/^2\. #\w{6} · Клиент Петра 1 · /),
    ]);
    await dispatcher.command('/leads');
    expect(linesOf(last(dispatcher))).toEqual([
      expect.stringMatching(/^1\. #\w{6} · Ничей клиент · Новая заявка · не назначен$/),
    ]);
  });

  it('narrows the list by stage, shown by its title', async () => {
    await seller.command('/leads');
    const list = last(seller);
    const picker = await pressOn(seller, list, '🗂 Стадия');
    expect(picker.text).toBe('Выберите стадию:');
    expect(labels(picker)).toEqual([
      'Новая заявка',
      'Выявление потребности',
      'Коммерческое предложение',
      'Все стадии',
      '↩️ К списку',
    ]);
    const proposals = await pressOn(seller, picker, 'Коммерческое предложение');
    expect(proposals.text).toMatch(/Стадия: Коммерческое предложение · Ожидание ответа: любое/);
    expect(linesOf(proposals)).toHaveLength(3);
    for (const line of linesOf(proposals)) {
      expect(line).toMatch(/Клиент Семёна [123] · Коммерческое предложение · Семён$/);
    }
    const again = await pressOn(seller, await pressOn(seller, proposals, '🗂 Стадия'), 'Все стадии');
    expect(linesOf(again)).toHaveLength(10);
  });

  it('narrows the list by how long the client has waited', async () => {
    await seller.command('/leads');
    const over = async (label: string) => {
      const picker = await pressOn(seller, last(seller), '⏳ Ожидание');
      expect(labels(picker)).toEqual([
        'дольше 20 мин',
        'дольше 40 мин',
        'дольше 2 ч',
        'дольше 4 ч',
        'Не важно',
        '↩️ К списку',
      ]);
      const shown = await pressOn(seller, picker, label);
      return linesOf(shown).map((line: string) => /Клиент Семёна (\d+)/.exec(line)?.[1]);
    };
    expect((await over('дольше 20 мин')).sort()).toEqual(['5', '6', '7']);
    expect(last(seller).text).toContain('Ожидание ответа: дольше 20 мин');
    expect((await over('дольше 40 мин')).sort()).toEqual(['6', '7']);
    expect((await over('дольше 2 ч')).sort()).toEqual(['6', '7']);
    expect(await over('дольше 4 ч')).toEqual(['7']);
    expect(last(seller).text).toMatch(/⏳ ждёт (4 ч 59 мин|5 ч)$/);
    expect(await over('Не важно')).toHaveLength(10);

    // Both filters at once: at the proposal stage nobody waits.
    await pressOn(seller, last(seller), '🗂 Стадия');
    await pressOn(seller, last(seller), 'Коммерческое предложение');
    await over('дольше 20 мин');
    expect(last(seller).text).toMatch(/\n\nОткрытых записей с такими условиями нет\.$/);
  });

  it("opens a record's card from its line", async () => {
    await seller.command('/leads');
    const list = last(seller);
    const first = labels(list)[0]!;
    expect(first).toMatch(/^1\. Клиент Семёна \d+$/);
    await seller.press(first, list);
    const name = first.replace(/^1\. /, '');
    expect(seller.lastText()).toContain(name);
    expect(seller.lastText()).toContain('Стадия');
  });

  it("shows deals by the person's rights, stages with their deal type", async () => {
    await seller.command('/deals');
    expect(linesOf(last(seller))).toEqual([
      expect.stringMatching(
        /^1\. #\w{6} · Клиент Семёна 1 · Документы \(Стандартный заказ\) · Ольга$/,
      ),
    ]);
    await operator.command('/deals');
    const list = last(operator);
    expect(list.text).toMatch(/^📂 Мои сделки/);
    expect(linesOf(list)).toHaveLength(2);
    expect(list.text).toContain('Согласование с клиентом (Заказ с дизайном) · Ольга');
    const picker = await pressOn(operator, list, '🗂 Стадия');
    expect(labels(picker)).toContain('Документы (Стандартный заказ)');
    expect(labels(picker)).not.toContain('Успешно (Стандартный заказ)');
    const design = await pressOn(operator, picker, 'Согласование с клиентом (Заказ с дизайном)');
    expect(linesOf(design)).toEqual([expect.stringMatching(/Сделка Петра/)]);

    await helen.command('/deals');
    expect(linesOf(last(helen))).toHaveLength(2);
  });
});

describe('/tasks', () => {
  it('shows one message with a page of tasks; a task opens and can be completed', async () => {
    const sent = seller.history().length;
    await seller.command('/tasks');
    expect(seller.history()).toHaveLength(sent + 1);
    const list = last(seller);
    expect(list.text).toMatch(
      /^Открытые задачи: 12 задач\nСтр\. 1 из 2\n\n1\. Задача 1 — ⏱ .+ ⚠️ просрочена\n2\. Задача 2 — ⏱ /,
    );
    expect(linesOf(list)).toHaveLength(10);
    expect(labels(list).slice(0, 2)).toEqual(['1. Задача 1', '2. Задача 2']);
    noPlaceholders(list);

    const next = await pressOn(seller, list, '▶️');
    expect(next.text).toMatch(/^Открытые задачи: 12 задач\nСтр\. 2 из 2/);
    expect(linesOf(next)).toHaveLength(2);

    await seller.press('12. Задача 12', next);
    const card = last(seller);
    expect(card.text).toMatch(/^📋 Задача 12\n⏱ /);
    await seller.press('✅ Готово', card);
    expect(seller.lastText()).toMatch(/Задача 12/);
    const task = await world.hub.database.models.Task.findOne({ key: 'lists-test-12' }).lean();
    expect(task!.status).toBe('done');

    await seller.command('/tasks');
    expect(last(seller).text).toMatch(/^Открытые задачи: 11 задач/);
  });
});

describe('/team', () => {
  it("counts each person's open leads, deals, tasks and overdue tasks", async () => {
    // One of Семён's twelve tasks is done: the /tasks test completes it through the bot; run
    // alone, this test marks it done itself.
    await world.hub.database.models.Task.updateOne(
      { key: 'lists-test-12', status: 'open' },
      { $set: { status: 'done' } },
    );
    await helen.command('/team');
    const team = helen.lastText();
    expect(team.split('\n')).toEqual([
      '👥 Team: open leads, deals, tasks and overdue tasks',
      '',
      'Дарья — leads 0 · deals 0 · tasks 0 · overdue 0',
      'Семён — leads 12 · deals 1 · tasks 11 · overdue 1',
      'Пётр — leads 2 · deals 1 · tasks 0 · overdue 0',
      'Helen — leads 0 · deals 0 · tasks 0 · overdue 0',
    ]);

    await admin.command('/team');
    const all = admin.lastText();
    expect(all).toContain('Ольга — лиды 1 · сделки 2 · задачи 0 · просрочено 0');
    expect(all).toContain('Семён — лиды 12 · сделки 1 · задачи 11 · просрочено 1');
  });

  it('politely refuses a manager', async () => {
    await seller.command('/team');
    expect(seller.lastText()).toBe(
      'Команду видят руководители и администраторы. Ваши записи — в /leads, /deals и /tasks.',
    );
  });
});

describe('/help', () => {
  it('names the lists to everyone and the team view to heads only', async () => {
    await seller.command('/help');
    expect(seller.lastText()).toContain('/leads и /deals — открытые лиды и сделки');
    expect(seller.lastText()).not.toContain('/team');
    await helen.command('/help');
    expect(helen.lastText()).toContain('/leads and /deals — open leads and deals');
    expect(helen.lastText()).toContain('/team — each person in the department');
    expect(helen.lastText()).not.toMatch(/\{\{|\}\}/);
  });
});
