import { SYSTEM } from '../../src/app/process/actor';
import type { Hub } from '../../src/hub';
import { buttonsOf, type FakeUser } from '../support/fake-telegram';
import {
  done,
  leadAtHandOff,
  leadFor,
  member,
  numberOf,
  speaks,
  team,
} from '../support/manager-bot-seeds';
import {
  deliver,
  invite,
  openTaskOf,
  useManagerBotWorld,
  world,
} from '../support/manager-bot-world';

let hub: Hub;
let admin: FakeUser;
let dispatcher: FakeUser;
let seller: FakeUser;
let operator: FakeUser;
let stranger: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ hub, admin, dispatcher, seller, operator, stranger } = world);
});

// Each test makes what it needs (`../support/manager-bot-seeds`) and passes alone; clients'
// names are the test's own, so a search or a count sees only its records.
const head = () => member(1005, 'Роман', 'head', 'sales');

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
    await team();
    await speaks(seller, 'ru');
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
    await team();
    await leadFor(seller, 'ООО Лютик');
    const task = await openTaskOf(seller);
    await operator.sendCallbackData(`t:d:${task!._id.toHexString()}`);
    expect(operator.lastText()).toBe('Извините, у вас нет прав на это действие.');
    expect((await hub.database.models.Task.findById(task!._id).lean())!.status).toBe('open');
  });

  it('refuses the hand-off while required fields are empty, naming them, before any choice', async () => {
    await team();
    await speaks(seller, 'ru');
    await leadFor(seller, 'ООО Василёк');
    await done(seller); // first_contact
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
    // A manager of their own, so the list below holds only what this test gives them.
    const petr = await member(1006, 'Пётр', 'manager', 'sales');
    await leadAtHandOff(petr, 'ООО Колокольчик');
    const task = await openTaskOf(petr);
    await petr.press(
      '⏰ +1 час',
      petr.history().findLast((m) => /Передать/.test(m.text)),
    );
    // The card itself is edited to say so, once; the task list shows the new time.
    const notes = petr.texts().filter((t) => /^⏰ Перенесено на \d+ \S+ \d{2}:\d{2}$/.test(t));
    expect(notes).toHaveLength(1);
    const moved = await hub.database.models.Task.findById(task!._id).lean();
    // An hour from now (the hub runs on the real clock here), not from the old due time.
    expect(Math.abs(moved!.due.getTime() - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    await petr.command('/tasks');
    expect(petr.lastText()).toContain(
      `1. Передать в делопроизводство — ⏱ ${notes[0]!.replace('⏰ Перенесено на ', '')}`,
    );

    await petr.command('/task Позвонить в бухгалтерию');
    expect(petr.lastText()).toMatch(/^📋 Позвонить в бухгалтерию\n⏱ \d+ \S+ 10:00$/);

    await petr.command('/lang en');
    expect(petr.lastText()).toBe('Done, I will write in English.');
    await petr.command('/tasks');
    expect(petr.lastText()).toMatch(/^Open tasks: 2 tasks\n\n1\. .+\n2\. .+/);
    // The hand-off task's card, opened from the list, is what the next steps press on.
    await petr.press(/^\d+\. Hand off to operations$/);
    expect(petr.lastText()).toMatch(
      /^📋 Hand off to operations · ООО Колокольчик · Lead #\d+\nStage: Proposal\n⏱ /,
    );
  });

  it('sends the heads a red alert that a head can take, and nobody else can', async () => {
    const roman = await head();
    const lead = await leadFor(seller, 'ООО Гвоздика');
    const red = await hub.process.engine.raiseProblem(
      lead.subject,
      SYSTEM,
      'Клиент недоволен сроками',
    );
    await deliver();
    expect(roman.lastText()).toBe(
      [
        `🔴 Проблема: Лид №${await numberOf(lead)}`,
        'Клиент: ООО Гвоздика',
        'Менеджер продаж: Семён',
        'Кто сообщил: система',
        'Причина: Клиент недоволен сроками',
      ].join('\n'),
    );

    // The operator forges the Take button: refused, the red task stays with sales.
    await operator.sendCallbackData(`t:t:${red.id}`);
    expect(operator.lastText()).toBe('Извините, у вас нет прав на это действие.');

    const openTasks = async (person: FakeUser) => {
      await person.command('/tasks');
      return Number(/^Открытые задачи: (\d+)/.exec(person.lastText())?.[1] ?? 0);
    };
    const sellers = await openTasks(seller);
    await roman.press('🙋 Взять себе');
    await deliver();
    expect(roman.lastText()).toMatch(/^📋 🔴 Проблема: Клиент недоволен сроками · ООО Гвоздика/);
    // The red task is the head's now: in his list, and gone from the sales manager's.
    await roman.command('/tasks');
    expect(roman.lastText()).toMatch(/\n\d+\. 🔴 Проблема: Клиент недоволен сроками — ⏱ /);
    expect(await openTasks(seller)).toBe(sellers - 1);
  });

  it('enters a lead by hand with /new: the creator owns a cold call, one contact per phone', async () => {
    await team();
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
    await team();
    await speaks(seller, 'en');
    // Two cold calls of the admin's to one client (one phone), and a lead of the seller's.
    await admin.command('/new Глеб Сидоров, 8 912 000-33-44, cold_call');
    await admin.command('/new Глеб С., +79120003344, cold_visit');
    await leadFor(seller, 'ООО Одуванчик');
    await done(seller); // first_contact
    await done(seller); // qualify → proposal

    await admin.command('/find Глеб');
    expect(admin.lastText()).toMatch(
      /^Нашлось 2 записи:\n• Лид №\d+ — Глеб Сидоров — Выявление потребности\n• Лид №\d+ — Глеб Сидоров — Выявление потребности$/,
    );
    await admin.command('/find +7 (912) 000-33-44');
    expect(admin.lastText()).toMatch(/^Нашлось 2 записи:/);

    await seller.command('/find Глеб');
    expect(seller.lastText()).toBe('Nothing found among your records.');
    await seller.command('/find одуванчик');
    expect(seller.lastText()).toMatch(/^Found 1 record:\n• Lead #\d+ — ООО Одуванчик — Proposal$/);
    await operator.command('/find Одуванчик');
    expect(operator.lastText()).toBe('Среди ваших записей ничего не нашлось.');
  });
});
