import { SYSTEM } from '../../src/app/process/actor';
import type { Hub } from '../../src/hub';
import { buttonsOf, type FakeTelegram, type FakeUser } from '../support/fake-telegram';
import {
  deliver,
  invite,
  openTaskOf,
  useManagerBotWorld,
  world,
} from '../support/manager-bot-world';

let hub: Hub;
let telegram: FakeTelegram;
let admin: FakeUser;
let dispatcher: FakeUser;
let seller: FakeUser;
let operator: FakeUser;
let stranger: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ hub, telegram, admin, dispatcher, seller, operator, stranger } = world);
});

describe('the manager bot', () => {
  it('registers the configured admin and people the admin invites, each link once', async () => {
    await admin.command('/start');
    expect(admin.lastText()).toMatch(/Добро пожаловать в команду, Анна! Ваша роль: администратор/);

    const link = await invite('dispatcher', 'sales', dispatcher);
    expect(dispatcher.lastText()).toMatch(/Ваша роль: диспетчер/);
    await invite('manager', 'sales', seller);
    await invite('manager', 'operations', operator);

    // A used link lets nobody else in; only admins invite.
    await stranger.command(`/start ${link}`);
    expect(stranger.lastText()).toMatch(/только для сотрудников/);
    await seller.command('/invite admin sales');
    expect(seller.lastText()).toMatch(/только администраторы/);
    await admin.command('/invite wizard sales');
    expect(admin.lastText()).toMatch(/Такой роли нет/);
  });

  it('customer lead → dispatcher picks the manager → the manager completes tasks, the next arrives', async () => {
    const contact = await hub.database.models.Contact.create({ name: 'ООО Ромашка' });
    await hub.process.engine.createLead({
      contactId: contact._id.toHexString(),
      source: { kind: 'channel', channel: 'telegram' },
    });
    await deliver();
    expect(dispatcher.lastText()).toMatch(/^📋 Выбрать ответственного менеджера/);

    await dispatcher.press('✅ Готово');
    expect(dispatcher.lastText()).toBe('Кому передать лид? Выберите менеджера:');
    await dispatcher.press('Семён');
    await deliver();
    expect(seller.lastText()).toMatch(/^📋 Связаться с клиентом/);

    // `/tasks` is one message listing the tasks; a task's button opens its card.
    await seller.command('/tasks');
    expect(seller.lastText()).toMatch(
      /^Открытые задачи: 1 задача\n\n1\. Связаться с клиентом — ⏱ /,
    );
    await seller.press('1. Связаться с клиентом');
    expect(seller.lastText()).toMatch(/^📋 Связаться с клиентом/);
    const firstCard = seller.history().at(-1)!;
    await seller.press('✅ Готово', firstCard);
    await deliver();
    expect(seller.lastText()).toMatch(/^📋 Выявить потребность и заполнить бриф/);

    // Replaying the old button changes nothing.
    const before = await openTaskOf(seller);
    await seller.press('✅ Готово', firstCard);
    expect(seller.lastText()).toBe('Эта задача уже закрыта.');
    expect((await openTaskOf(seller))!._id).toEqual(before!._id);
  });

  it("refuses someone pressing another department's task button", async () => {
    const task = await openTaskOf(seller);
    await operator.sendCallbackData(`t:d:${task!._id.toHexString()}`);
    expect(operator.lastText()).toBe('Извините, у вас нет прав на это действие.');
    expect((await hub.database.models.Task.findById(task!._id).lean())!.status).toBe('open');
  });

  it('refuses the hand-off while required fields are empty, naming them, before any choice', async () => {
    await seller.press('✅ Готово'); // qualify → proposal
    await deliver();
    await seller.press('✅ Готово'); // send_proposal
    await deliver();
    expect(seller.lastText()).toMatch(/^📋 Передать в делопроизводство/);

    await seller.press('✅ Готово');
    expect(seller.lastText()).toBe(
      'Нельзя идти дальше: заполните Число сотрудников, Площадь, Бриф. Нажмите на поле, чтобы заполнить его.',
    );
    expect(buttonsOf(seller.history().at(-1)!).map((button) => button.text)).toEqual([
      '✏️ Число сотрудников',
      '✏️ Площадь',
      '✏️ Бриф',
    ]);
    expect(await hub.database.models.Deal.countDocuments()).toBe(0);
  });

  it('postpones by an hour and speaks English after /lang en', async () => {
    const task = await openTaskOf(seller);
    await seller.press(
      '⏰ +1 час',
      seller.history().findLast((m) => /Передать/.test(m.text)),
    );
    // The card itself is edited to say so.
    expect(
      seller.texts().filter((t) => /^⏰ Перенесено на \d+ \S+ \d{2}:\d{2}$/.test(t)),
    ).toHaveLength(1);
    const moved = await hub.database.models.Task.findById(task!._id).lean();
    // An hour from now (the hub runs on the real clock here), not from the old due time.
    expect(Math.abs(moved!.due.getTime() - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    expect(moved!.postponements).toHaveLength(1);

    await seller.command('/task Позвонить в бухгалтерию');
    expect(seller.lastText()).toMatch(/^📋 Позвонить в бухгалтерию\n⏱ \d+ \S+ 10:00$/);

    await seller.command('/lang en');
    expect(seller.lastText()).toBe('Done, I will write in English.');
    await seller.command('/tasks');
    expect(seller.lastText()).toMatch(/^Open tasks: 2 tasks\n\n1\. .+\n2\. .+/);
    // The hand-off task's card, opened from the list, is what the next steps press on.
    await seller.press(/^\d+\. Hand off to operations$/);
    expect(seller.lastText()).toMatch(
      /^📋 Hand off to operations · ООО Ромашка · Lead #\d+\nStage: Proposal\n⏱ /,
    );
  });

  it('sends the heads a red alert that a head can take, and nobody else can', async () => {
    const head = telegram.user(1005, 'Роман');
    await invite('head', 'sales', head);
    const task = await openTaskOf(seller);
    const red = await hub.process.engine.raiseProblem(
      { kind: task!.subject!.kind, id: task!.subject!.id!.toHexString() },
      SYSTEM,
      'Клиент недоволен сроками',
    );
    await deliver();
    const lead = await hub.database.models.Lead.findById(task!.subject!.id).lean();
    expect(head.lastText()).toBe(
      [
        `🔴 Проблема: Лид №${lead!.number}`,
        'Клиент: ООО Ромашка',
        'Менеджер продаж: Семён',
        'Кто сообщил: система',
        'Причина: Клиент недоволен сроками',
      ].join('\n'),
    );

    // The operator forges the Take button: refused, the red task stays with sales.
    await operator.sendCallbackData(`t:t:${red.id}`);
    expect(operator.lastText()).toBe('Извините, у вас нет прав на это действие.');

    await head.press('🙋 Взять себе');
    expect((await hub.database.models.Task.findById(red.id).lean())!.assigneeId.toHexString()).toBe(
      (await hub.database.models.User.findOne({ telegramId: head.id }).lean())!._id.toHexString(),
    );
    await deliver();
    expect(head.lastText()).toMatch(/^📋 🔴 Проблема: Клиент недоволен сроками · ООО Ромашка/);
  });

  it('enters a lead by hand with /new: the creator owns a cold call, one contact per phone', async () => {
    const before = admin.texts().length;
    await admin.command('/new Иван Петров, 8 912 000-11-22, cold_call');
    await deliver();
    // The card is delivered as soon as it is stored, so it may come before the confirmation.
    const news = admin.texts().slice(before);
    expect(news).toContain(
      'Лид «Иван Петров» создан (холодный звонок). Задача придёт отдельным сообщением.',
    );
    expect(news.filter((text) => /^📋 Связаться с клиентом/.test(text))).toHaveLength(1);

    await admin.command('/new Иван П., +79120001122, cold_visit');
    expect(await hub.database.models.Contact.countDocuments({ phones: '+79120001122' })).toBe(1);
    await admin.command('/new Иван, позвоню позже, cold_call');
    expect(admin.lastText()).toMatch(/^Не похоже на номер телефона/);
    await admin.command('/new Иван');
    expect(admin.lastText()).toMatch(/^Формат: \/new/);
  });

  it('finds by name or phone only the records this person may see', async () => {
    await admin.command('/find Иван');
    expect(admin.lastText()).toMatch(
      /^Нашлось 2 записи:\n• Лид №\d+ — Иван Петров — Выявление потребности\n• Лид №\d+ — Иван Петров — Выявление потребности$/,
    );
    await admin.command('/find +7 (912) 000-11-22');
    expect(admin.lastText()).toMatch(/^Нашлось 2 записи:/);

    await seller.command('/find Иван');
    expect(seller.lastText()).toBe('Nothing found among your records.');
    await seller.command('/find ромашка');
    expect(seller.lastText()).toMatch(/^Found 1 record:\n• Lead #\d+ — ООО Ромашка — Proposal$/);
    await operator.command('/find Ромашка');
    expect(operator.lastText()).toBe('Среди ваших записей ничего не нашлось.');
  });

  it('opens the record card from a task and offers only declared moves', async () => {
    const handOff = seller.history().findLast((m) => /^📋 Hand off to operations/.test(m.text))!;
    await seller.press('📄 Card', handOff);
    expect(seller.lastText()).toBe(
      [
        `📄 Lead #${(await hub.database.models.Lead.findOne({ stage: 'proposal' }).lean())!.number} · ООО Ромашка`,
        'Stage: Proposal',
        'Sales: Семён',
        'To move on, fill in: Number of employees, Area, Brief',
        'Open tasks: 2 tasks',
        // The problem raised above is still open: the head took its red task.
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
    const card = seller.history().findLast((m) => /^📄 Lead/.test(m.text))!;
    await seller.press('👤 Contact', card);
    expect(seller.lastText()).toBe(
      [
        '👤 ООО Ромашка',
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
    const { Company, Contact } = hub.database.models;
    const company = await Company.create({ name: 'ООО Петров и партнёры', taxId: '7701234567' });
    const ivan = await Contact.findOneAndUpdate(
      { phones: '+79120001122' },
      { $set: { companyId: company._id } },
      { returnDocument: 'after' },
    ).lean();
    await admin.sendCallbackData(`k:${ivan!._id.toHexString()}`);
    expect(admin.lastText()).toMatch(
      /^👤 Иван Петров\nТелефоны: \+79120001122\n.*\nКомпания: ООО Петров и партнёры\nОткрыто 2 лида или сделки$/s,
    );
    await admin.press('🏢 Компания');
    expect(admin.lastText()).toBe(
      '🏢 ООО Петров и партнёры\nИНН: 7701234567\nКонтакты: Иван Петров\nОткрыто 2 лида или сделки',
    );
  });

  it('fills a required value and uploads a required file in a short dialog', async () => {
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

    const lead = await hub.database.models.Lead.findOne({ 'fields.employees': 40 }).lean();
    expect((lead!.fields as Record<string, unknown>).brief).toEqual({
      fileRef: 'BQACAgIAAxkBAAIB',
      name: 'brief.pdf',
    });
  });

  it('/cancel stops the dialog and leaves the field empty', async () => {
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

    const lead = await hub.database.models.Lead.findOne({ 'fields.employees': 40 }).lean();
    expect((lead!.fields as Record<string, unknown>).area).toBeUndefined();
  });

  it('refuses an invalid value with the reason and asks again until it gets one', async () => {
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

    const lead = await hub.database.models.Lead.findOne({ 'fields.employees': 40 }).lean();
    expect((lead!.fields as Record<string, unknown>).area).toBe('120 m²');
  });

  it('raises a problem from a task card with the reason given as a reply', async () => {
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
    const head = telegram.user(1005, 'Роман');
    expect(head.lastText()).toMatch(
      /^🔴 Проблема: Лид №\d+\nКлиент: ООО Ромашка\nМенеджер продаж: Семён\nКто сообщил: Семён\nПричина: Client wants a discount$/,
    );
  });
});
