import type { Hub } from '../../src/hub';
import { buttonsOf, type FakeUser } from '../support/fake-telegram';
import type { FakeVk } from '../support/fake-vk';
import {
  deliver,
  postVk,
  registerTeam,
  useManagerBotWorld,
  vkMessage,
  world,
} from '../support/manager-bot-world';

let hub: Hub;
let vk: FakeVk;
let dispatcher: FakeUser;
let seller: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ hub, vk, dispatcher, seller } = world);
});
beforeAll(registerTeam);

const userIdOf = async (person: FakeUser) =>
  (await hub.database.models.User.findOne({ telegramId: person.id }).lean())!._id;

/** The lead of a VK customer's conversation. */
async function leadOf(chatId: string) {
  const { Conversation, Lead } = hub.database.models;
  const conversation = await Conversation.findOne({ chatId }).lean();
  return Lead.findById(conversation!.leadId).lean();
}

/** A new VK customer writes; returns what the dispatcher received in Telegram because of it. */
async function newCustomerWrites(peer: number, id: number, text: string) {
  const { Notification } = hub.database.models;
  const dispatcherId = await userIdOf(dispatcher);
  const messagesBefore = dispatcher.history().length;
  const noticesBefore = await Notification.countDocuments({ userId: dispatcherId });
  await postVk(vkMessage('message_new', peer, id, text));
  await deliver();
  return {
    messages: dispatcher.history().slice(messagesBefore),
    notices: (await Notification.countDocuments({ userId: dispatcherId })) - noticesBefore,
  };
}

describe("a new customer's first message", () => {
  it('reaches the dispatcher as one card: who wrote, what, and the task with its buttons', async () => {
    const { messages, notices } = await newCustomerWrites(740001, 9501, 'Нужна печать визиток');
    // One Telegram message and one stored notice, not a client card plus a task card.
    expect(messages).toHaveLength(1);
    expect(notices).toBe(1);
    const card = messages[0]!;
    expect(card.text).toMatch(
      /^🟦 ВКонтакте · Клиент\nЛид №\d+\n\nНужна печать визиток\n\nВаша задача по этому клиенту:\n📋 Выбрать ответственного менеджера\n⏱ .+$/,
    );
    // The client card's buttons, then the task card's (its Card button is there once).
    expect(buttonsOf(card).map((b) => b.text)).toEqual([
      '↩️ Ответить',
      '📄 Карточка',
      '📋 Задачи',
      '🕘 История',
      '✅ Готово',
      '⏰ +1 час',
      '📅 Завтра 10:00',
      '📆 Выбрать дату',
      '🔁 Передать',
      '🚩 Проблема',
    ]);

    // Replying to the card still answers the customer.
    await dispatcher.reply(card, { text: 'Здравствуйте! Передаю вас менеджеру.' });
    await hub.messaging.deliverNow();
    expect(vk.deliveries()).toContainEqual(
      expect.objectContaining({ chatId: '740001', text: 'Здравствуйте! Передаю вас менеджеру.' }),
    );

    // Done on the card: the dispatcher picks the manager, the lead moves on and is his.
    await dispatcher.press('✅ Готово', card);
    expect(dispatcher.lastText()).toBe('Кому передать лид? Выберите менеджера:');
    await dispatcher.press('Семён');
    await deliver();
    expect(dispatcher.lastText()).toBe('✅ Готово: Выбрать ответственного менеджера');
    expect(seller.lastText()).toMatch(/^📋 Связаться с клиентом/);
    const lead = await leadOf('740001');
    expect(lead?.stage).toBe('identification');
    expect(lead?.responsibles.sales?.toHexString()).toBe((await userIdOf(seller)).toHexString());
  });

  it("postponed from the card: the client's words stay, the task's buttons go, the outcome follows", async () => {
    const { messages } = await newCustomerWrites(740002, 9601, 'Сколько стоит баннер?');
    const card = messages[0]!;
    await dispatcher.press('⏰ +1 час', card);

    const shown = dispatcher.history().find((m) => m.message_id === card.message_id)!;
    expect(shown.text).toBe(card.text);
    expect(buttonsOf(shown).map((b) => b.text)).toEqual([
      '↩️ Ответить',
      '📄 Карточка',
      '📋 Задачи',
      '🕘 История',
    ]);
    expect(dispatcher.lastText()).toMatch(/^⏰ Перенесено на /);
    const lead = await leadOf('740002');
    const task = await hub.database.models.Task.findOne({ 'subject.id': lead!._id }).lean();
    expect(task?.postponements).toHaveLength(1);
  });

  it('is changed in place, task and all, when the customer edits the message', async () => {
    const { messages } = await newCustomerWrites(740003, 9701, 'Нужна вывеска');
    const card = messages[0]!;
    await postVk(vkMessage('message_edit', 740003, 9701, 'Нужна световая вывеска'));
    await deliver();

    expect(dispatcher.history().at(-1)!.message_id).toBe(card.message_id);
    const shown = dispatcher.history().find((m) => m.message_id === card.message_id)!;
    expect(shown.text).toMatch(
      /\n\nНужна световая вывеска\n✏️ изменено\n\nВаша задача по этому клиенту:\n📋 Выбрать ответственного менеджера\n⏱ /,
    );
    expect(buttonsOf(shown).map((b) => b.text)).toContain('✅ Готово');
  });

  it("asks what is wrong when the card's Problem is pressed", async () => {
    const { messages } = await newCustomerWrites(740004, 9801, 'Хочу заказать листовки');
    await dispatcher.press('🚩 Проблема', messages[0]);
    expect(dispatcher.lastText()).toMatch(/^Что случилось\?/);
  });
});
