import type { Types } from 'mongoose';
import type { FakeUser } from '../support/fake-telegram';
import { invite, registerTeam, useManagerBotWorld, world } from '../support/manager-bot-world';

/**
 * PRODUCT.md, process 10, as a staff member meets it in `/find` and on a client's cards: a manager
 * finds their own records only, a head their department's (and the leads nobody holds yet), an
 * admin everything — the database is asked for exactly those, and a card of someone else's client
 * is refused as politely as before.
 */
useManagerBotWorld();

let admin: FakeUser;
let dispatcher: FakeUser;
let seller: FakeUser;
let operator: FakeUser;
/** A second sales manager. */
let peter: FakeUser;
/** The head of sales. */
let elena: FakeUser;
/** The head of operations. */
let oleg: FakeUser;

const REFUSED = 'Извините, у вас нет прав на это действие.';
const NOTHING = 'Среди ваших записей ничего не нашлось.';

const idOf = async (person: FakeUser): Promise<Types.ObjectId> =>
  (await world.hub.database.models.User.findOne({ telegramId: person.id }).lean())!._id;

/** The clients named in the last `/find` answer, sorted; none when nothing was found. */
async function found(person: FakeUser, query: string): Promise<string[]> {
  await person.command(`/find ${query}`);
  const text = person.lastText();
  if (text === NOTHING) return [];
  expect(text).toMatch(/^Нашл(ась|ось|ись) \d+ запис/);
  return text
    .split('\n')
    .filter((line) => line.startsWith('• '))
    .map((line) => line.split(' — ')[1]!)
    .sort();
}

let clients: Record<'semyon' | 'peter' | 'nobody' | 'olga', Types.ObjectId>;

beforeAll(async () => {
  ({ admin, dispatcher, seller, operator } = world);
  await registerTeam();
  peter = world.telegram.user(1006, 'Пётр');
  await invite('manager', 'sales', peter);
  elena = world.telegram.user(1007, 'Елена');
  await invite('head', 'sales', elena);
  oleg = world.telegram.user(1008, 'Олег');
  await invite('head', 'operations', oleg);
  const [sellerId, peterId, operatorId] = await Promise.all([seller, peter, operator].map(idOf));

  // Four clients of one family name: Семён's lead, Пётр's lead and the deal he sold that Ольга
  // (operations) runs, and a lead nobody in sales holds yet.
  const { Contact, Lead, Deal } = world.hub.database.models;
  const client = async (name: string) => (await Contact.create({ name }))._id;
  clients = {
    semyon: await client('Рогов Семёна'),
    peter: await client('Рогов Петра'),
    nobody: await client('Рогов ничей'),
    olga: await client('Рогов сделка'),
  };
  const lead = (contactId: Types.ObjectId, number: number, sales?: Types.ObjectId) =>
    Lead.create({
      contactId,
      number,
      source: { kind: 'manual', type: 'cold_call' },
      stage: 'identification',
      responsibles: sales ? { sales } : {},
    });
  await lead(clients.semyon, 9101, sellerId);
  await lead(clients.peter, 9102, peterId);
  await lead(clients.nobody, 9103);
  await Deal.create({
    contactId: clients.olga,
    number: 9104,
    type: 'standard',
    stage: 'documents',
    responsibles: { sales: peterId, operations: operatorId },
  });
});

describe('who finds what', () => {
  it("a manager's /find does not show another manager's records", async () => {
    expect(await found(seller, 'Рогов')).toEqual(['Рогов Семёна']);
    expect(await found(peter, 'Рогов')).toEqual(['Рогов Петра', 'Рогов сделка']);
    // By number too: Пётр's lead is no search result for Семён.
    expect(await found(seller, '№9102')).toEqual([]);
    expect(await found(peter, '№9102')).toEqual(['Рогов Петра']);
    // Operations runs the deal, so its manager finds it, and nothing held by sales alone.
    expect(await found(operator, 'Рогов')).toEqual(['Рогов сделка']);
  });

  it('the dispatcher finds, besides their own, the leads nobody in sales holds', async () => {
    expect(await found(dispatcher, 'Рогов')).toEqual(['Рогов ничей']);
  });

  it("a head finds their department's records and the unheld ones, not another department's", async () => {
    expect(await found(elena, 'Рогов')).toEqual([
      'Рогов Петра',
      'Рогов Семёна',
      'Рогов ничей',
      'Рогов сделка',
    ]);
    // The head of operations: the deal operations runs and the unheld lead, no sales-only lead.
    expect(await found(oleg, 'Рогов')).toEqual(['Рогов ничей', 'Рогов сделка']);
    expect(await found(oleg, '№9101')).toEqual([]);
  });

  it("a head's lists hold their department's records only", async () => {
    await oleg.command('/leads');
    const leads = oleg.lastText();
    expect(leads).toContain('Рогов ничей');
    expect(leads).not.toContain('Рогов Семёна');
    expect(leads).not.toContain('Рогов Петра');
    await oleg.command('/deals');
    expect(oleg.lastText()).toContain('Рогов сделка');
    await elena.command('/leads');
    expect(elena.lastText()).toContain('Рогов Петра');
    expect(elena.lastText()).toContain('Рогов Семёна');
  });

  it('an admin finds everything', async () => {
    expect(await found(admin, 'Рогов')).toHaveLength(4);
  });
});

describe("a client's card", () => {
  const openContact = async (person: FakeUser, contactId: Types.ObjectId) => {
    await person.sendCallbackData(`k:${contactId.toHexString()}`);
    return person.lastText();
  };

  it("opens for whoever may see one of the client's records, counting all open ones", async () => {
    expect(await openContact(seller, clients.semyon)).toMatch(/^👤 Рогов Семёна\n/);
    expect(await openContact(elena, clients.peter)).toMatch(/^👤 Рогов Петра\n/);
    expect(await openContact(oleg, clients.olga)).toMatch(/^👤 Рогов сделка\n/);
    expect(await openContact(oleg, clients.olga)).toMatch(/\nОткрыт 1 лид или сделка$/);
  });

  it('is refused to a manager or head who may see none of them, as politely as before', async () => {
    expect(await openContact(seller, clients.peter)).toBe(REFUSED);
    expect(await openContact(operator, clients.semyon)).toBe(REFUSED);
    expect(await openContact(oleg, clients.semyon)).toBe(REFUSED);
  });
});

describe("buttons on someone else's lead", () => {
  /** A lead at the proposal stage that Семён held when he opened its card; Пётр holds it now. */
  let leadId: string;
  let stale: ReturnType<FakeUser['history']>[number];

  const lead = async () => (await world.hub.database.models.Lead.findById(leadId).lean())!;
  const state = async () => {
    const { stage, stageEntry, closed, fields, responsibles } = await lead();
    return { stage, stageEntry, closed, fields, responsibles };
  };

  beforeAll(async () => {
    const { Contact, Lead } = world.hub.database.models;
    const contact = await Contact.create({ name: 'Кузнецов Пётр' });
    const created = await Lead.create({
      contactId: contact._id,
      number: 9105,
      source: { kind: 'manual', type: 'cold_call' },
      stage: 'proposal',
      responsibles: { sales: await idOf(seller) },
    });
    leadId = created._id.toHexString();
    await seller.sendCallbackData(`c:lead:${leadId}`);
    stale = seller.history().at(-1)!;
    expect(stale.text).toMatch(/Кузнецов Пётр\nСтадия: Коммерческое предложение\n/);
    await Lead.updateOne(
      { _id: created._id },
      { $set: { 'responsibles.sales': await idOf(peter) } },
    );
  });

  it('refuses a manager moving, filling or closing it, politely, and changes nothing', async () => {
    const before = await state();
    const tasksBefore = await world.hub.database.models.Task.countDocuments();
    await seller.press('➡️ Выявление потребности', stale);
    expect(seller.lastText()).toBe(REFUSED);
    await seller.press('✏️ Число сотрудников', stale);
    expect(seller.lastText()).toBe(REFUSED);
    await seller.press('🗑 Некачественный лид', stale);
    expect(seller.lastText()).toBe(REFUSED);
    await seller.sendCallbackData(`c:lead:${leadId}`);
    expect(seller.lastText()).toBe(REFUSED);
    // No question was asked, so a number he writes now fills nothing.
    await seller.say({ text: '40' });

    expect(await state()).toEqual(before);
    expect(await world.hub.database.models.Task.countDocuments()).toBe(tasksBefore);
    expect(
      await world.hub.database.models.AuditEvent.countDocuments({ 'subject.id': leadId }),
    ).toBe(0);
  });

  it('says a record that does not exist is not found, not that it is forbidden', async () => {
    await seller.sendCallbackData('c:lead:0123456789abcdef01234567');
    expect(seller.lastText()).toBe('Запись не найдена.');
    await seller.sendCallbackData('m:deal:0123456789abcdef01234567:documents');
    expect(seller.lastText()).toBe('Запись не найдена.');
  });

  it('refuses the head of another department as well', async () => {
    const before = await state();
    await oleg.sendCallbackData(`m:lead:${leadId}:identification`);
    expect(oleg.lastText()).toBe(REFUSED);
    await oleg.sendCallbackData(`z:lead:${leadId}:junk`);
    expect(oleg.lastText()).toBe(REFUSED);
    expect(await state()).toEqual(before);
  });

  it("lets the head of sales fill and move their department's lead", async () => {
    await elena.sendCallbackData(`c:lead:${leadId}`);
    const card = elena.history().at(-1)!;
    await elena.press('✏️ Число сотрудников', card);
    expect(elena.lastText()).toBe(
      'Напишите значение поля «Число сотрудников». /cancel — отменить.',
    );
    await elena.say({ text: '40' });
    expect(elena.texts().slice(-2)[0]).toBe('✅ Сохранено.');
    expect((await lead()).fields).toMatchObject({ employees: 40 });

    await elena.press('➡️ Выявление потребности', card);
    // The card she pressed is redrawn at its new stage.
    const redrawn = elena.history().find((shown) => shown.message_id === card.message_id);
    expect(redrawn!.text).toMatch(/\nСтадия: Выявление потребности\n/);
    expect(await state()).toMatchObject({ stage: 'identification', closed: false });
    // Пётр still holds it: the head acted on it, she did not take it over.
    expect(String((await lead()).responsibles!.sales)).toBe((await idOf(peter)).toHexString());
  });
});

describe("buttons on someone else's task", () => {
  let taskId: string;
  const task = async () => (await world.hub.database.models.Task.findById(taskId).lean())!;

  beforeAll(async () => {
    const created = await world.hub.database.models.Task.create({
      key: 'rights:call-back',
      title: { ru: 'Перезвонить клиенту', en: 'Call the client back' },
      assigneeId: await idOf(peter),
      due: new Date(Date.now() + 86_400_000),
    });
    taskId = created._id.toHexString();
  });

  it('refuses a manager Done, Later, Reassign, Take and Problem, and changes nothing', async () => {
    const before = await task();
    const presses = ['d', 'r', 't', 'x'].map((button) => `t:${button}:${taskId}`);
    for (const data of [...presses, `t:p:${taskId}:1h`]) {
      await seller.sendCallbackData(data);
      expect(seller.lastText()).toBe(REFUSED);
    }
    expect(await task()).toEqual(before);
  });

  it('lets the head of sales take it over', async () => {
    const listed = async (person: FakeUser) => {
      await person.command('/tasks');
      return /Перезвонить клиенту|Call the client back/.test(person.lastText());
    };
    expect(await listed(peter)).toBe(true);
    await elena.sendCallbackData(`t:t:${taskId}`);
    // Hers now: in her task list, gone from Пётр's.
    expect(await listed(elena)).toBe(true);
    expect(await listed(peter)).toBe(false);
  });
});
