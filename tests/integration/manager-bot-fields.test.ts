import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import YAML from 'yaml';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { buttonsOf, type FakeUser } from '../support/fake-telegram';
import { registerTeam, useManagerBotWorld, world, ZONE } from '../support/manager-bot-world';

/** The default process, with a meeting date and a payment option also required for a proposal. */
function definitionWithTypedFields(): string {
  const definition = YAML.parse(
    readFileSync(path.join(PROJECT_ROOT, 'config/process/default.yaml'), 'utf8'),
  ) as { lead: { stages: { id: string; requires?: unknown[] }[] } };
  const proposal = definition.lead.stages.find((stage) => stage.id === 'proposal')!;
  proposal.requires!.push(
    { field: 'meeting', type: 'date', title: { ru: 'Дата встречи', en: 'Meeting date' } },
    {
      field: 'payment',
      type: 'choice',
      title: { ru: 'Оплата', en: 'Payment' },
      choices: [
        { id: 'cash', title: { ru: 'Наличные', en: 'Cash' } },
        { id: 'invoice', title: { ru: 'По счёту', en: 'Invoice' } },
      ],
    },
  );
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'linehub-fields-')), 'process.yaml');
  writeFileSync(file, YAML.stringify(definition));
  return file;
}

useManagerBotWorld({ PROCESS_DEFINITION: definitionWithTypedFields() });

let seller: FakeUser;
let leadId: Types.ObjectId;

const fields = async () =>
  (await world.hub.database.models.Lead.findById(leadId).lean())!.fields as Record<string, unknown>;
const openCard = () => seller.sendCallbackData(`c:lead:${leadId.toHexString()}`);
const noPlaceholders = (text: string) =>
  expect(text).not.toMatch(/\{\{|\}\}|Asia\/|meeting|payment/);

beforeAll(async () => {
  await registerTeam();
  seller = world.seller;
  const { Contact, Lead, User } = world.hub.database.models;
  const sales = (await User.findOne({ telegramId: seller.id }).lean())!._id;
  const contact = await Contact.create({ name: 'ООО Ромашка' });
  const lead = await Lead.create({
    contactId: contact._id,
    source: { kind: 'manual', type: 'cold_call' },
    stage: 'proposal',
    responsibles: { sales },
  });
  leadId = lead._id;
});

describe('typed fields in the manager bot', () => {
  it('re-asks "около сорока" for a number and stores 40 as a number', async () => {
    await openCard();
    await seller.press('✏️ Число сотрудников');
    expect(seller.lastText()).toBe(
      'Напишите значение поля «Число сотрудников». /cancel — отменить.',
    );
    await seller.say({ text: 'около сорока' });
    expect(seller.lastText()).toBe('Нужно число, например 40. Попробуйте ещё раз или /cancel.');
    expect((await fields()).employees).toBeUndefined();

    await seller.say({ text: '40' });
    expect(seller.texts().slice(-2)[0]).toBe('✅ Сохранено.');
    expect((await fields()).employees).toBe(40);
  });

  it('reads "в пятницу в 15" as that Friday 15:00 in the company time zone', async () => {
    await openCard();
    await seller.press('✏️ Дата встречи');
    const question = seller.history().at(-1)!;
    expect(question.text).toMatch(/^Когда — «Дата встречи»\? .*Время компании \(UTC\+5\)\./);
    noPlaceholders(question.text);
    expect(buttonsOf(question).map((button) => button.text)).toEqual(
      expect.arrayContaining(['◀️', '▶️', 'пн', 'вс', '15']),
    );
    await seller.say({ text: 'когда-нибудь потом' });
    expect(seller.lastText()).toMatch(
      /^Не получилось прочитать дату\. Напишите, например, «в пятницу в 15»/,
    );

    await seller.say({ text: 'в пятницу в 15' });
    expect(seller.texts().slice(-2)[0]).toBe('✅ Сохранено.');
    // The next Friday 15:00 in Yekaterinburg that is still ahead.
    const now = DateTime.now().setZone(ZONE);
    let friday = now.set({ weekday: 5, hour: 15, minute: 0, second: 0, millisecond: 0 });
    if (friday <= now) friday = friday.plus({ weeks: 1 });
    expect((await fields()).meeting).toEqual(friday.toJSDate());
  });

  it('offers a choice as buttons and stores the option', async () => {
    await openCard();
    await seller.press('✏️ Оплата');
    const question = seller.history().at(-1)!;
    expect(question.text).toBe('Выберите «Оплата» кнопкой или напишите вариант. /cancel — отмена.');
    expect(buttonsOf(question).map((button) => button.text)).toEqual(['Наличные', 'По счёту']);
    await seller.say({ text: 'картой' });
    expect(seller.lastText()).toBe(
      'Такого варианта нет. Выберите кнопкой: Наличные, По счёту. Или /cancel.',
    );
    await seller.press('По счёту', question);
    expect((await fields()).payment).toBe('invoice');
    // The used buttons are gone: the question now says what was chosen.
    const answered = seller
      .history()
      .find((message) => message.message_id === question.message_id)!;
    expect(answered.text).toMatch(/\n✅ По счёту$/);
    expect(buttonsOf(answered)).toEqual([]);
  });

  it("reads a deal's amount with its currency, and the deal carries it for the reports", async () => {
    const { Deal, Lead } = world.hub.database.models;
    const lead = (await Lead.findById(leadId).lean())!;
    const deal = await Deal.create({
      contactId: lead.contactId,
      type: 'standard',
      stage: 'documents',
      responsibles: lead.responsibles,
    });
    await seller.sendCallbackData(`c:deal:${deal._id.toHexString()}`);
    await seller.press('✏️ Сумма сделки');
    expect(seller.lastText()).toBe(
      'Сколько — «Сумма сделки»? Напишите сумму, например 150 000 или 2 500 USD (без валюты — ₽). /cancel — отмена.',
    );
    await seller.say({ text: 'около ста тысяч' });
    expect(seller.lastText()).toBe(
      'Нужна сумма, например 150 000 или 2 500 USD. Попробуйте ещё раз или /cancel.',
    );
    await seller.say({ text: '150 000 руб.' });
    expect(seller.texts().slice(-2)[0]).toBe('✅ Сохранено.');
    expect(await Deal.findById(deal._id).lean()).toMatchObject({
      amount: 150000,
      currency: 'RUB',
      fields: { amount: { amount: 150000, currency: 'RUB' } },
    });
  });

  it('picks a date from the calendar: next month, a day, an hour (in English)', async () => {
    await seller.command('/lang en');
    // Emptied again, so the card offers it.
    await world.hub.database.models.Lead.updateOne(
      { _id: leadId },
      { $unset: { 'fields.meeting': 1 } },
    );
    await openCard();
    await seller.press('✏️ Meeting date');
    const question = seller.history().at(-1)!;
    expect(question.text).toMatch(/^When is “Meeting date”\? .*Company time \(UTC\+5\)\./);
    const next = DateTime.now().setZone(ZONE).plus({ months: 1 });
    await seller.press('▶️', question);
    const turned = () => seller.history().find((m) => m.message_id === question.message_id)!;
    expect(buttonsOf(turned()).map((button) => button.text)).toContain(next.toFormat('LLLL yyyy'));
    await seller.press('15', turned());
    expect(turned().text).toBe(
      `${next.set({ day: 15 }).toFormat('cccc, d MMMM')}: choose the time.`,
    );
    await seller.press('14:00', turned());

    expect(seller.texts().slice(-2)[0]).toBe('✅ Saved.');
    expect(turned().text).toMatch(/^Chosen: 15 \w+, 14:00\.$/);
    expect(buttonsOf(turned())).toEqual([]);
    expect((await fields()).meeting).toEqual(
      next.set({ day: 15, hour: 14, minute: 0, second: 0, millisecond: 0 }).toJSDate(),
    );
  });
});
