import type { CommandStartedEvent } from 'mongodb';
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
let operator: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ hub, vk, dispatcher, operator } = world);
});

beforeAll(registerTeam);

describe('client messages in the manager bot', () => {
  it('a customer writes in VK → the dispatcher gets a card → replying to it answers the customer', async () => {
    const customer = 730001;
    await postVk(vkMessage('message_new', customer, 9001, 'Здравствуйте! Сколько стоит доставка?'));
    await deliver();
    // One card: the customer's words, then the dispatcher's task they gave, with its buttons.
    const card = dispatcher.history().at(-1)!;
    expect(card.text).toMatch(
      /^🟦 ВКонтакте · Клиент\nЛид №\d+\n\nЗдравствуйте! Сколько стоит доставка\?\n\nВаша задача по этому клиенту:\n📋 Выбрать ответственного менеджера\n⏱ .+$/,
    );
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

    await dispatcher.reply(card, { text: 'Добрый день! Доставка по Москве бесплатна.' });
    // The line under the reply: "sending…" until the send is recorded (that can be at once now:
    // the reply goes to its chat's lane without waiting for a claim round).
    expect(dispatcher.lastText()).toMatch(/^(⏳ Отправляем клиенту…|✓ Доставлено клиенту)$/);
    const receipt = dispatcher.history().at(-1)!;
    await hub.messaging.deliverNow();
    expect(vk.deliveries()).toContainEqual(
      expect.objectContaining({
        chatId: String(customer),
        text: 'Добрый день! Доставка по Москве бесплатна.',
      }),
    );
    await deliver();
    expect(dispatcher.history().find((m) => m.message_id === receipt.message_id)?.text).toBe(
      '✓ Доставлено клиенту',
    );
    // A customer who closed their messages: the manager reads why, in their language.
    vk.refuseNext(901, "Can't send messages for users without permission");
    await dispatcher.reply(card, { text: 'Вы здесь?' });
    const refusedReceipt = dispatcher.history().at(-1)!;
    await hub.messaging.deliverNow();
    await deliver();
    expect(dispatcher.history().find((m) => m.message_id === refusedReceipt.message_id)?.text).toBe(
      '✗ Не доставлено клиенту: клиент закрыл переписку или заблокировал бота',
    );

    // The reply stopped the reply clock.
    const conversation = await hub.database.models.Conversation.findOne({
      chatId: String(customer),
    }).lean();
    expect(conversation?.awaitingReplySince).toBeUndefined();

    // The customer corrects their message: the card changes, no new card arrives.
    const cards = dispatcher.history().length;
    await postVk(vkMessage('message_edit', customer, 9001, 'Сколько стоит доставка в Казань?'));
    await deliver();
    expect(dispatcher.history()).toHaveLength(cards);
    expect(dispatcher.history().find((m) => m.message_id === card.message_id)?.text).toMatch(
      /Сколько стоит доставка в Казань\?\n✏️ изменено\n\nВаша задача по этому клиенту:\n📋 Выбрать/,
    );
  });

  it('refuses a reply to a client from someone who may not act on their lead', async () => {
    // A customer of its own: the sales dispatcher's lead, not the operator's department's.
    await postVk(vkMessage('message_new', 730002, 9101, 'Подскажите по оплате'));
    await deliver();
    const conversation = await hub.database.models.Conversation.findOne({
      chatId: '730002',
    }).lean();
    const sent = vk.deliveries().length;
    await operator.sendCallbackData(`r:${conversation!._id.toHexString()}`);
    await operator.reply(operator.history().at(-1)!, { text: 'Я из другого отдела' });
    expect(operator.lastText()).toMatch(/нет прав/);
    await hub.messaging.deliverNow();
    expect(vk.deliveries()).toHaveLength(sent);
  });

  it('reads the conversation once for a reply: checked, stored and sent from one read', async () => {
    await postVk(vkMessage('message_new', 730003, 9201, 'Когда привезёте?'));
    await deliver();
    const card = dispatcher.history().at(-1)!;
    const reads: string[] = [];
    const listener = (event: CommandStartedEvent) => {
      if (event.commandName === 'find' && event.command.find === 'conversations') {
        reads.push(JSON.stringify(event.command.filter));
      }
    };
    const client = hub.database.connection.getClient();
    client.on('commandStarted', listener);
    try {
      await dispatcher.reply(card, { text: 'Завтра до обеда' });
      await hub.messaging.deliverNow();
    } finally {
      client.off('commandStarted', listener);
    }
    expect(vk.deliveries()).toContainEqual(
      expect.objectContaining({ chatId: '730003', text: 'Завтра до обеда' }),
    );
    expect(reads).toHaveLength(1);
  });
});
