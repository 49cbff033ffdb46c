import type { Types } from 'mongoose';
import { buttonsOf, type FakeUser } from '../support/fake-telegram';
import {
  deliver,
  registerTeam,
  standardDealOf,
  useManagerBotWorld,
  world,
} from '../support/manager-bot-world';

useManagerBotWorld();

let seller: FakeUser;
let operator: FakeUser;
const ids = {} as { seller: Types.ObjectId; operator: Types.ObjectId };

beforeAll(async () => {
  await registerTeam();
  ({ seller, operator } = world);
  const { User } = world.hub.database.models;
  ids.seller = (await User.findOne({ telegramId: seller.id }).lean())!._id;
  ids.operator = (await User.findOne({ telegramId: operator.id }).lean())!._id;
});

async function leadAt(stage: string, name: string) {
  const { Contact, Lead } = world.hub.database.models;
  const contact = await Contact.create({ name });
  const lead = await Lead.create({
    contactId: contact._id,
    source: { kind: 'manual', type: 'cold_call' },
    stage,
    responsibles: { sales: ids.seller },
  });
  return lead._id.toHexString();
}

async function dealAt(stage: string, name: string) {
  const { Contact, Deal } = world.hub.database.models;
  const contact = await Contact.create({ name });
  const deal = await Deal.create({
    contactId: contact._id,
    type: 'standard',
    stage,
    responsibles: { sales: ids.seller, operations: ids.operator },
  });
  return deal._id.toHexString();
}

const last = (person: FakeUser) => person.history().at(-1)!;
const labels = (person: FakeUser) => buttonsOf(last(person)).map((button) => button.text);
const lastMatching = (person: FakeUser, pattern: RegExp) =>
  person.history().findLast((message) => pattern.test(message.text))!;

describe('every move the process allows, in the manager bot', () => {
  it('closes a lead as junk with a reason chosen from the ready ones (Russian)', async () => {
    const id = await leadAt('identification', 'Пётр Спамов');
    await seller.sendCallbackData(`c:lead:${id}`);
    const opened = last(seller);
    expect(labels(seller)).toContain('🗑 Некачественный лид');

    await seller.press('🗑 Некачественный лид', opened);
    expect(seller.lastText()).toBe(
      'Почему «Некачественный лид»? Выберите причину кнопкой или напишите свою. /cancel — отмена.',
    );
    expect(labels(seller)).toEqual(['Ошиблись номером', 'Спам', 'Дубль', 'Не наш клиент']);
    // An empty answer is no reason: asked again, nothing closed.
    await seller.say({ text: '   ' });
    expect(seller.lastText()).toBe('Напишите причину текстом или выберите кнопкой, или /cancel.');
    expect((await world.hub.database.models.Lead.findById(id).lean())!.closed).toBe(false);

    await seller.press('Спам');
    const [done, card] = seller.texts().slice(-2);
    expect(done).toBe('Закрыто: Некачественный лид. Причина: Спам');
    expect(card).toMatch(/^📄 Лид (№\d+|#\w{6}) · Пётр Спамов\nСтадия: Некачественный лид\n/);
    expect(card).toMatch(/\nПричина закрытия: Спам$/);
    const lead = await world.hub.database.models.Lead.findById(id).lean();
    expect(lead).toMatchObject({ stage: 'junk', closed: true, fields: { junkReason: 'Спам' } });
    // The old card's button now only says so.
    await seller.press('🗑 Некачественный лид', opened);
    expect(seller.lastText()).toBe('Запись уже закрыта.');
    const audit = await world.hub.database.models.AuditEvent.findOne({ 'subject.id': id }).lean();
    expect(audit).toMatchObject({ action: 'lead.junk', after: { stage: 'junk', reason: 'Спам' } });
    expect(String(audit!.actorUserId)).toBe(ids.seller.toHexString());
  });

  it('closes a deal as lost only by sales, with a typed reason (English)', async () => {
    await seller.command('/lang en');
    await operator.command('/lang en');
    const id = await dealAt('prepayment', 'Mary Client');

    // Operations works the deal, but failure belongs to sales: refused before any question.
    await operator.sendCallbackData(`c:deal:${id}`);
    expect(labels(operator)).toContain('❌ Lost');
    await operator.press('❌ Lost');
    expect(operator.lastText()).toBe('Sorry, you are not allowed to do this.');
    expect(operator.texts().filter((said) => /^Why/.test(said))).toEqual([]);

    await seller.sendCallbackData(`c:deal:${id}`);
    await seller.press('❌ Lost');
    expect(seller.lastText()).toBe(
      'Why “Lost”? Choose a reason with a button or type your own. /cancel — stop.',
    );
    expect(labels(seller)).toEqual(['Too expensive', 'Went to a competitor', 'Changed their mind']);
    await seller.say({ text: 'Found a cheaper supplier' });
    const [done, card] = seller.texts().slice(-2);
    expect(done).toBe('Closed: Lost. Reason: Found a cheaper supplier');
    expect(card).toMatch(/^📄 Deal #\w+ \(Standard order\) · Mary Client\nStage: Lost\n/);
    expect(card).toMatch(/\nClosing reason: Found a cheaper supplier$/);
    expect(await world.hub.database.models.Deal.findById(id).lean()).toMatchObject({
      stage: 'lost',
      closed: 'lost',
      fields: { lostReason: 'Found a cheaper supplier' },
    });
  });

  it('moves back to an earlier stage although the fields of the one left are empty', async () => {
    await seller.command('/lang ru');
    const id = await leadAt('proposal', 'ООО Назад');
    await seller.sendCallbackData(`c:lead:${id}`);
    expect(seller.lastText()).toMatch(/\nЧтобы идти дальше, заполните: Число сотрудников/);
    const card = last(seller);
    await seller.press('➡️ Выявление потребности', card);
    // The card is redrawn in place at the earlier stage, whose first task comes as usual.
    expect(seller.history().find((m) => m.message_id === card.message_id)!.text).toMatch(
      /^📄 Лид (№\d+|#\w{6}) · ООО Назад\nСтадия: Выявление потребности\n/,
    );
    await deliver();
    expect(seller.lastText()).toMatch(/^📋 Связаться с клиентом · ООО Назад · Лид (№\d+|#\w{6})\n/);
    expect((await world.hub.database.models.Lead.findById(id).lean())!.stage).toBe(
      'identification',
    );
  });

  it('refuses the hand-off with fill buttons first, then hands off into two chosen deal types', async () => {
    const contact = await world.hub.database.models.Contact.create({ name: 'ООО Два заказа' });
    const lead = await world.hub.process.engine.createLead(
      { contactId: contact._id.toHexString(), source: { kind: 'channel', channel: 'telegram' } },
      undefined,
      ids.seller.toHexString(),
    );
    await deliver();
    for (const step of [/^📋 Связаться с клиентом/, /^📋 Выявить потребность/, /^📋 Отправить/]) {
      await seller.press('✅ Готово', lastMatching(seller, step));
      await deliver();
    }
    const handOff = lastMatching(seller, /^📋 Передать в делопроизводство/);

    await seller.press('✅ Готово', handOff);
    expect(seller.lastText()).toBe(
      'Нельзя идти дальше: заполните Число сотрудников, Площадь, Бриф. Нажмите на поле, чтобы заполнить его.',
    );
    expect(labels(seller)).toEqual(['✏️ Число сотрудников', '✏️ Площадь', '✏️ Бриф']);
    // One press opens the fill dialog for that field.
    await seller.press('✏️ Число сотрудников');
    expect(seller.lastText()).toBe(
      'Напишите значение поля «Число сотрудников». /cancel — отменить.',
    );
    await seller.say({ text: '12' });
    await seller.press('✏️ Площадь');
    await seller.say({ text: '50 м²' });
    await seller.press('✏️ Бриф');
    await seller.say({ document: { file_id: 'BQACAgIAAxkBAAID', file_name: 'brief.pdf' } });
    expect(seller.lastText()).toMatch(/\n✅ Обязательные поля заполнены\n/);

    await seller.press('✅ Готово', handOff);
    const question = last(seller);
    expect(question.text).toBe(
      'Какие сделки создать при передаче? Отметьте один или несколько типов и нажмите «Готово».',
    );
    const current = () => seller.history().find((m) => m.message_id === question.message_id)!;
    const shown = () => buttonsOf(current()).map((button) => button.text);
    expect(shown()).toEqual(['Стандартный заказ', 'Заказ с дизайном', '✅ Готово']);
    // Done with nothing ticked creates nothing: the question stays as it was.
    await seller.press('✅ Готово', current());
    expect(shown()).toEqual(['Стандартный заказ', 'Заказ с дизайном', '✅ Готово']);
    expect(seller.lastText()).toBe(question.text);
    expect(await world.hub.database.models.Deal.countDocuments({ leadId: lead.subject.id })).toBe(
      0,
    );

    await seller.press('Стандартный заказ', current());
    expect(shown()).toEqual(['✅ Стандартный заказ', 'Заказ с дизайном', '✅ Готово']);
    await seller.press('Заказ с дизайном', current());
    await seller.press('✅ Стандартный заказ', current());
    expect(shown()).toEqual(['Стандартный заказ', '✅ Заказ с дизайном', '✅ Готово']);
    await seller.press('Стандартный заказ', current());
    expect(shown()).toEqual(['✅ Стандартный заказ', '✅ Заказ с дизайном', '✅ Готово']);

    await seller.press('✅ Готово', current());
    expect(current().text).toBe('✅ Готово: Передать в делопроизводство');
    const deals = await world.hub.database.models.Deal.find({ leadId: lead.subject.id })
      .sort({ type: 1 })
      .lean();
    expect(deals.map((deal) => deal.type)).toEqual(['design', 'standard']);
  });

  it('a problem sends the deal back to sales and stops operations until it is resolved (English)', async () => {
    await seller.command('/lang en');
    await operator.command('/lang en');
    const contact = await world.hub.database.models.Contact.create({ name: 'ООО Два заказа' });
    const lead = await world.hub.process.engine.createLead(
      { contactId: contact._id.toHexString(), source: { kind: 'channel', channel: 'telegram' } },
      undefined,
      ids.seller.toHexString(),
    );
    const { id } = await standardDealOf(lead.subject);
    const contract = lastMatching(operator, /^📋 Prepare the contract and specification/);

    await operator.press('🚩 Problem', contract);
    await operator.reply(last(operator), { text: 'The client wants to cancel' });
    expect(operator.lastText()).toMatch(/^🔴 Problem raised/);
    await deliver();

    // Back with the sales manager: a red task, the deal at the problem stage.
    expect(seller.lastText()).toMatch(
      /^📋 🔴 Problem: The client wants to cancel · ООО Два заказа · Deal #\d+ \(Standard order\)\nStage: Problem with sales\n/,
    );
    const redTask = last(seller);
    // The deal's card: the red task is its one open task; operations' task is gone.
    const card = async (person: FakeUser) => {
      await person.sendCallbackData(`c:deal:${id}`);
      return person.lastText();
    };
    expect(await card(seller)).toMatch(
      /^📄 Deal #\d+ \(Standard order\) · ООО Два заказа\nStage: Problem with sales\n/,
    );
    expect(seller.lastText()).toMatch(/\nOpen tasks: 1 task(\n|$)/);
    expect(seller.lastText()).toMatch(/\n🔴 Open problem: The client wants to cancel$/);
    expect(labels(seller)).toContain('❌ Lost');

    // The client's messages about the deal go to the sales manager who has the problem.
    const answerer = () => world.hub.process.engine.responsibleFor({ kind: 'deal', id });
    await expect(answerer()).resolves.toBe(ids.seller.toHexString());

    // Operations cannot move the stopped chain on.
    await operator.press('✅ Done', contract);
    expect(operator.lastText()).toBe('This task is already closed.');
    expect(await card(seller)).toMatch(/\nOpen tasks: 1 task(\n|$)/);

    // Sales resolves it: the chain goes on where it stopped, with the operations manager.
    await seller.press('✅ Done', redTask);
    await deliver();
    expect(operator.lastText()).toMatch(
      /^📋 Prepare the contract and specification · ООО Два заказа · Deal #\d+ \(Standard order\)\n/,
    );
    expect((await world.hub.database.models.Deal.findById(id).lean())!.stage).toBe('documents');
    // The task card the operations manager just got is the deal's one open task; the red one
    // is done.
    expect(await card(seller)).toMatch(/\nOpen tasks: 1 task(\n|$)/);
    expect(seller.lastText()).not.toMatch(/Open problem/);
    // Resolved: the client's messages are the operations manager's again.
    await expect(answerer()).resolves.toBe(ids.operator.toHexString());
  });
});
