import { DateTime } from 'luxon';
import { SYSTEM } from '../../src/app/process/actor';
import type { TaskSubject } from '../../src/domain/task';
import type { Hub } from '../../src/hub';
import { buttonsOf, type FakeTelegram, type FakeUser } from '../support/fake-telegram';
import {
  deliver,
  invite,
  postVk,
  registerTeam,
  standardDealOf,
  useManagerBotWorld,
  vkMessage,
  world,
  ZONE,
} from '../support/manager-bot-world';

let hub: Hub;
let telegram: FakeTelegram;
let dispatcher: FakeUser;
let seller: FakeUser;
let operator: FakeUser;
let head: FakeUser;
let englishHead: FakeUser;

useManagerBotWorld();
beforeAll(async () => {
  ({ hub, telegram, dispatcher, seller, operator } = world);
  await registerTeam();
  head = telegram.user(1005, 'Роман');
  await invite('head', 'sales', head);
  englishHead = telegram.user(1006, 'Victor', 'en');
  await invite('head', 'sales', englishHead);
});

const leadNumber = async (id: string) =>
  (await hub.database.models.Lead.findById(id).lean())!.number!;

/** The due time as the card must show it: the hour and minute in the company's time zone. */
const dueHourIn = async (taskTitle: RegExp) => {
  const task = await hub.database.models.Task.findOne({ 'title.ru': taskTitle, status: 'open' })
    .sort({ _id: -1 })
    .lean();
  return DateTime.fromJSDate(task!.due).setZone(ZONE).toFormat('HH:mm');
};

/** A lead of a named client entered by the system, so its cards read the name back. */
async function leadOf(name: string): Promise<TaskSubject> {
  const contact = await hub.database.models.Contact.create({ name });
  const lead = await hub.process.engine.createLead({
    contactId: contact._id.toHexString(),
    source: { kind: 'channel', channel: 'vk' },
  });
  await deliver();
  return lead.subject;
}

describe('cards that say who and what', () => {
  it("a new customer's lead: the dispatcher's one card names the client, the lead's number and the task", async () => {
    await postVk(vkMessage('message_new', 740001, 1, 'Добрый день, нужен расчёт'));
    await deliver();
    const lead = await hub.database.models.Lead.findOne().sort({ _id: -1 }).lean();
    expect(lead!.number).toBeGreaterThan(0);
    // The customer's message and the dispatcher's task it gave, on one card under one number.
    const clientCard = dispatcher.history().findLast((m) => m.text.startsWith('🟦'))!;
    const [header, words, tasks] = clientCard.text.split('\n\n');
    expect(header).toBe(`🟦 ВКонтакте · Клиент\nЛид №${lead!.number}`);
    expect(words).toBe('Добрый день, нужен расчёт');
    expect(tasks).toMatch(
      new RegExp(
        `^Ваша задача по этому клиенту:\n📋 Выбрать ответственного менеджера\n` +
          `⏱ \\d+ \\S+ ${await dueHourIn(/^Выбрать/)}$`,
      ),
    );
    expect(dispatcher.history().at(-1)!.message_id).toBe(clientCard.message_id);

    // The card redrawn after an edit names the same number.
    await postVk(vkMessage('message_edit', 740001, 1, 'Добрый день, нужен расчёт на 12 человек'));
    await deliver();
    expect(dispatcher.history().find((m) => m.message_id === clientCard.message_id)!.text).toMatch(
      new RegExp(`^🟦 ВКонтакте · Клиент\nЛид №${lead!.number}\n\nДобрый день, нужен расчёт на 12`),
    );

    // The next lead gets the next number: short, readable, never the same.
    const next = await leadOf('Марина Ковалёва');
    expect(await leadNumber(next.id)).toBe(lead!.number! + 1);
  });

  it('a waiting client is named with their record, with Reply and Card', async () => {
    await postVk(vkMessage('message_new', 740002, 1, 'Здравствуйте, вы работаете в субботу?'));
    await deliver();
    const conversation = await hub.database.models.Conversation.findOne({
      chatId: '740002',
    }).lean();
    const lead = await hub.database.models.Lead.findById(conversation!.leadId).lean();
    const dispatcherUser = await hub.database.models.User.findOne({
      telegramId: dispatcher.id,
    }).lean();
    const conversationId = conversation!._id.toHexString();
    // What the reply ladder's rungs send.
    await hub.process.notifier.notifyUser(dispatcherUser!._id.toHexString(), {
      kind: 'sla_reminder',
      conversationId,
      waitingMs: 20 * 60_000,
    });
    await hub.process.notifier.alertHeads({ kind: 'sla', conversationId, waitingMs: 4 * 3600_000 });
    await deliver();
    const about = `клиент без имени · Лид №${lead!.number}`;
    expect(dispatcher.lastText()).toBe(`⏳ Клиент ждёт ответа уже 20 мин. · ${about}`);
    expect(buttonsOf(dispatcher.history().at(-1)!).map((button) => button.text)).toEqual([
      '↩️ Ответить',
      '📄 Карточка',
    ]);
    expect(head.lastText()).toBe(`🔴 Клиент ждёт ответа 240 мин. · ${about}`);
    expect(englishHead.lastText()).toMatch(
      new RegExp(`240 min.* · client without a name · Lead #${lead!.number}$`),
    );
  });

  it('the task card names the client and record in Russian and in English, also from /tasks', async () => {
    const lead = await leadOf('Ирина Соколова');
    const number = await leadNumber(lead.id);
    expect(dispatcher.lastText().split('\n')[0]).toBe(
      `📋 Выбрать ответственного менеджера · Ирина Соколова · Лид №${number}`,
    );
    await dispatcher.press('✅ Готово');
    await dispatcher.press('Семён');
    await deliver();
    expect(seller.lastText()).toMatch(
      new RegExp(
        `^📋 Связаться с клиентом · Ирина Соколова · Лид №${number}\\n` +
          `Этап: Выявление потребности\\n⏱ \\d+ \\S+ ${await dueHourIn(/^Связаться/)}$`,
      ),
    );

    await seller.command('/lang en');
    await seller.command('/tasks');
    await seller.press(/^\d+\. Contact the client$/);
    expect(seller.lastText()).toMatch(
      new RegExp(
        `^📋 Contact the client · Ирина Соколова · Lead #${number}\\n` +
          `Stage: Identifying the need\\n⏱ \\d+ \\S+ \\d{2}:\\d{2}$`,
      ),
    );
    // The lead's card carries the same number.
    await seller.press('📄 Card');
    expect(seller.lastText().split('\n')[0]).toBe(`📄 Lead #${number} · Ирина Соколова`);
    // /find takes the number people say; /leads shows it.
    await seller.command(`/find #${number}`);
    expect(seller.lastText()).toBe(
      `Found 1 record:\n• Lead #${number} — Ирина Соколова — Identifying the need`,
    );
    await seller.command('/lang ru');
    await seller.command(`/find №${number}`);
    expect(seller.lastText()).toBe(
      `Нашлась 1 запись:\n• Лид №${number} — Ирина Соколова — Выявление потребности`,
    );
    await seller.command('/leads');
    expect(seller.lastText()).toMatch(
      new RegExp(`\\n1\\. №${number} · Ирина Соколова · Выявление потребности · Семён`),
    );
  });

  it("a deal's task card and its record card name the deal's number and type", async () => {
    const deal = await standardDealOf(await leadOf('Марина Ковалёва'));
    const stored = await hub.database.models.Deal.findById(deal.id).lean();
    expect(stored!.number).toBeGreaterThan(0);
    const card = operator.texts().findLast((text) => text.startsWith('📋'))!;
    expect(card.split('\n').slice(0, 2)).toEqual([
      `📋 Подготовить договор и спецификацию · Марина Ковалёва · Сделка №${stored!.number} (Стандартный заказ)`,
      'Этап: Документы',
    ]);
    await operator.press('📄 Карточка');
    expect(operator.lastText().split('\n')[0]).toBe(
      `📄 Сделка №${stored!.number} (Стандартный заказ) · Марина Ковалёва`,
    );
  });

  it('an overdue task names its client and record, to its assignee and to the heads', async () => {
    const { id } = await standardDealOf(await leadOf('Марина Ковалёва'));
    const deal = await hub.database.models.Deal.findById(id).lean();
    const task = await hub.database.models.Task.findOne({
      'subject.id': deal!._id,
      status: 'open',
    }).lean();
    // What the task's timer does when its due time passes.
    await hub.process.engine.timers.onTaskOverdue({
      taskId: task!._id.toHexString(),
      due: task!.due.toISOString(),
    });
    await deliver();
    const about = `Марина Ковалёва · Сделка №${deal!.number} (Стандартный заказ)`;
    expect(operator.lastText()).toBe(
      `⚠️ Просрочена задача: Подготовить договор и спецификацию · ${about}`,
    );
    expect(buttonsOf(operator.history().at(-1)!).map((button) => button.text)).toEqual([
      '📄 Карточка',
    ]);
    expect(head.lastText()).toBe(
      `🔴 Просрочена задача: Подготовить договор и спецификацию · ${about}`,
    );
  });

  it('the red alert names client, deal and type, the sales manager, who raised it and why; Take edits it', async () => {
    const { id } = await standardDealOf(await leadOf('Марина Ковалёва'));
    const deal = await hub.database.models.Deal.findById(id).lean();
    const number = deal!.number!;
    const dealTask = operator.history().findLast((m) => m.text.startsWith('📋 Подготовить'))!;
    await operator.press('🚩 Проблема', dealTask);
    await operator.reply(operator.history().at(-1)!, { text: 'Клиент хочет отменить заказ' });
    await deliver();

    const alert = head.history().findLast((m) => m.text.startsWith('🔴'))!;
    expect(alert.text).toBe(
      [
        `🔴 Проблема: Сделка №${number} (Стандартный заказ)`,
        'Клиент: Марина Ковалёва',
        'Менеджер продаж: Семён',
        'Кто сообщил: Ольга',
        'Причина: Клиент хочет отменить заказ',
      ].join('\n'),
    );
    expect(buttonsOf(alert).map((button) => button.text)).toEqual([
      '📄 Карточка',
      '🙋 Взять себе',
      '🔁 Передать',
    ]);
    const copy = englishHead.history().findLast((m) => m.text.startsWith('🔴'))!;
    expect(copy.text).toBe(
      [
        `🔴 Problem: Deal #${number} (Standard order)`,
        'Client: Марина Ковалёва',
        'Sales manager: Семён',
        'Raised by: Ольга',
        'Reason: Клиент хочет отменить заказ',
      ].join('\n'),
    );

    await head.press('🙋 Взять себе', alert);
    const edited = head.history().find((m) => m.message_id === alert.message_id)!;
    expect(edited.text).toBe(`${alert.text}\n\n🙋 Взял Роман`);
    expect(edited.text).not.toMatch(/Передано/);
    // Taken: only the card stays, so nobody presses Take twice.
    expect(buttonsOf(edited).map((button) => button.text)).toEqual(['📄 Карточка']);
    // The other head's copy says so too, in their language, and cannot be taken any more.
    const otherCopy = englishHead.history().find((m) => m.message_id === copy.message_id)!;
    expect(otherCopy.text).toBe(`${copy.text}\n\n🙋 Taken by Роман`);
    expect(buttonsOf(otherCopy).map((button) => button.text)).toEqual(['📄 Card']);
  });

  it('an English head taking an alert sees it edited in English', async () => {
    const deal = await standardDealOf(await leadOf('Марина Ковалёва'));
    await hub.process.engine.raiseProblem(deal, SYSTEM, 'Late payment');
    await deliver();
    const alert = englishHead.history().findLast((m) => m.text.startsWith('🔴'))!;
    expect(alert.text).toMatch(/\nRaised by: the system\nReason: Late payment$/);
    await englishHead.press('🙋 Take it', alert);
    const edited = englishHead.history().find((m) => m.message_id === alert.message_id)!;
    expect(edited.text).toBe(`${alert.text}\n\n🙋 Taken by Victor`);
    const russianCopy = head.history().findLast((m) => m.text.startsWith('🔴 Проблема'))!;
    expect(russianCopy.text).toMatch(/\nПричина: Late payment\n\n🙋 Взял Victor$/);
  });
});
