import { SYSTEM } from '../../src/app/process/actor';
import type { Hub } from '../../src/hub';
import { buttonsOf, type FakeUser } from '../support/fake-telegram';
import {
  fieldsOf,
  handOffCard,
  leadAtHandOff,
  leadFor,
  member,
  numberOf,
  speaks,
  team,
} from '../support/manager-bot-seeds';
import { deliver, useManagerBotWorld, world } from '../support/manager-bot-world';

let hub: Hub;
let admin: FakeUser;
let seller: FakeUser;
let operator: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ hub, admin, seller, operator } = world);
});

/** Record, contact and company cards, and the short dialogs that fill a record's fields. */
// Each test makes what it needs (`../support/manager-bot-seeds`) and passes alone; clients'
// names are the test's own, so a search or a count sees only its records.
const head = () => member(1005, 'Роман', 'head', 'sales');

describe('the manager bot: cards and field dialogs', () => {
  it('opens the record card from a task and offers only declared moves', async () => {
    await head();
    await speaks(seller, 'en');
    const lead = await leadAtHandOff(seller, 'ООО Ирис');
    await hub.process.engine.raiseProblem(lead.subject, SYSTEM, 'Клиент недоволен сроками');
    await deliver();
    const handOff = seller.history().findLast((m) => /^📋 Hand off to operations/.test(m.text))!;
    await seller.press('📄 Card', handOff);
    expect(seller.lastText()).toBe(
      [
        `📄 Lead #${await numberOf(lead)} · ООО Ирис`,
        'Stage: Proposal',
        'Sales: Семён',
        'To move on, fill in: Number of employees, Area, Brief',
        'Open tasks: 2 tasks',
        // The hand-off, and the red task the problem raised.
        '🔴 Open problem: Клиент недоволен сроками',
      ].join('\n'),
    );
    const card = seller.history().at(-1)!;
    expect(buttonsOf(card).map((button) => button.text)).toEqual([
      '✏️ Number of employees',
      '✏️ Area',
      '✏️ Brief',
      '👤 Contact',
      '🕘 History',
      "📋 Client's tasks",
      '➡️ Identifying the need',
      '🗑 Junk',
    ]);

    const cardButton = buttonsOf(handOff).find((button) => button.text === '📄 Card')!;
    expect(cardButton.callback_data).toMatch(/^c:lead:[0-9a-f]{24}$/);
    await operator.sendCallbackData(cardButton.callback_data!);
    expect(operator.lastText()).toBe('Извините, у вас нет прав на это действие.');
  });

  it('opens the contact card from a lead card, for those who may see one of its records', async () => {
    await team();
    await speaks(seller, 'en');
    await leadFor(seller, 'ООО Незабудка');
    await seller.press(
      '📄 Card',
      seller.history().findLast((m) => /^📋 Contact the client/.test(m.text)),
    );
    const card = seller.history().findLast((m) => /^📄 Lead/.test(m.text))!;
    await seller.press('👤 Contact', card);
    expect(seller.lastText()).toBe(
      [
        '👤 ООО Незабудка',
        'Phones: —',
        'Email: —',
        'Channels: —',
        'Company: —',
        '1 open lead or deal',
      ].join('\n'),
    );
    const contactButton = buttonsOf(card).find((button) => button.text === '👤 Contact')!;
    await operator.sendCallbackData(contactButton.callback_data!);
    expect(operator.lastText()).toBe('Извините, у вас нет прав на это действие.');
  });

  it("shows the contact's company card with its people", async () => {
    await team();
    // One client with two open leads: two cold calls from one phone.
    await admin.command('/new Фёдор Орлов, 8 912 000-55-66, cold_call');
    await admin.command('/new Фёдор О., +79120005566, cold_visit');
    const { Company, Contact } = hub.database.models;
    const company = await Company.create({ name: 'ООО Орлов и партнёры', taxId: '7701234567' });
    const fedor = await Contact.findOneAndUpdate(
      { phones: '+79120005566' },
      { $set: { companyId: company._id } },
      { returnDocument: 'after' },
    ).lean();
    await admin.sendCallbackData(`k:${fedor!._id.toHexString()}`);
    expect(admin.lastText()).toMatch(
      /^👤 Фёдор Орлов\nТелефоны: \+79120005566\n.*\nКомпания: ООО Орлов и партнёры\nОткрыто 2 лида или сделки$/s,
    );
    await admin.press('🏢 Компания');
    expect(admin.lastText()).toBe(
      '🏢 ООО Орлов и партнёры\nИНН: 7701234567\nКонтакты: Фёдор Орлов\nОткрыто 2 лида или сделки',
    );
  });

  it('fills a required value and uploads a required file in a short dialog', async () => {
    const lead = await handOffCard(seller, 'ООО Астра');
    const card = seller.history().findLast((m) => /^📄 Lead/.test(m.text))!;
    await seller.press('✏️ Number of employees', card);
    expect(seller.lastText()).toBe('Send the value of “Number of employees”. /cancel — stop.');
    await seller.say({ text: '40' });
    expect(seller.texts().slice(-2)[0]).toBe('✅ Saved.');
    expect(seller.lastText()).toMatch(/\nTo move on, fill in: Area, Brief\n/);

    await seller.press('✏️ Brief');
    expect(seller.lastText()).toBe('Send the file “Brief”: a document or a photo. /cancel — stop.');
    await seller.say({ text: 'no file here' });
    expect(seller.lastText()).toBe('Please send a file or a photo, or /cancel.');
    await seller.say({ document: { file_id: 'BQACAgIAAxkBAAIB', file_name: 'brief.pdf' } });
    expect(seller.lastText()).toMatch(/\nTo move on, fill in: Area\n/);

    expect(await fieldsOf(lead)).toMatchObject({ employees: 40 });
    expect((await fieldsOf(lead)).brief).toEqual({
      fileRef: 'BQACAgIAAxkBAAIB',
      name: 'brief.pdf',
    });
  });

  it('/cancel stops the dialog and leaves the field empty', async () => {
    const lead = await handOffCard(seller, 'ООО Пион');
    await seller.press('✏️ Area');
    await seller.command('/cancel');
    expect(seller.lastText()).toBe('Cancelled, nothing changed.');
    const said = seller.history().length;
    await seller.say({ text: '77' });
    // The dialog is over: "77" is not taken as the value, only answered with what to do.
    expect(seller.history()).toHaveLength(said + 1);
    expect(seller.lastText()).toMatch(/^I didn't understand\. \/help/);
    await seller.command('/cancel');
    expect(seller.lastText()).toBe('There is nothing to cancel.');

    expect((await fieldsOf(lead)).area).toBeUndefined();
  });

  it('refuses an invalid value with the reason and asks again until it gets one', async () => {
    // Everything else required is there already, so the last value completes them.
    const lead = await handOffCard(seller, 'ООО Мак', {
      employees: 40,
      brief: { fileRef: 'BQACAgIAAxkBAAIB', name: 'brief.pdf' },
    });
    // A second press replaces the question still waiting.
    await seller.press('✏️ Area');
    await seller.press('✏️ Area');
    expect(seller.lastText()).toBe('Send the value of “Area”. /cancel — stop.');
    await seller.say({ document: { file_id: 'BQACAgIAAxkBAAIC', file_name: 'area.pdf' } });
    expect(seller.lastText()).toBe('Please send the value as text, or /cancel.');
    await seller.say({ text: '   ' });
    expect(seller.lastText()).toBe('Please send the value as text, or /cancel.');
    await seller.say({ text: '120 m²' });
    expect(seller.texts().slice(-2)[0]).toBe('✅ Saved.');
    expect(seller.lastText()).toMatch(/\n✅ Required fields are filled\n/);

    expect((await fieldsOf(lead)).area).toBe('120 m²');
  });

  it('raises a problem from a task card with the reason given as a reply', async () => {
    const roman = await head();
    await speaks(seller, 'en');
    await leadAtHandOff(seller, 'ООО Ландыш');
    const handOff = seller.history().findLast((m) => /^📋 Hand off to operations/.test(m.text))!;
    await seller.press('🚩 Problem', handOff);
    expect(seller.lastText()).toMatch(/^What is wrong\?/);
    const before = seller.texts().length;
    await seller.reply(seller.history().at(-1)!, { text: 'Client wants a discount' });
    // The red task's card is delivered as soon as it is stored: it may come before the answer.
    expect(seller.texts().slice(before)).toContainEqual(
      expect.stringMatching(/^🔴 Problem raised/),
    );

    await deliver();
    expect(roman.lastText()).toMatch(
      /^🔴 Проблема: Лид №\d+\nКлиент: ООО Ландыш\nМенеджер продаж: Семён\nКто сообщил: Семён\nПричина: Client wants a discount$/,
    );
  });
});
