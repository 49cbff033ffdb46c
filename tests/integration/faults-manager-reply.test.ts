import type { Hub } from '../../src/hub';
import type { FakeUser } from '../support/fake-telegram';
import type { FakeVk } from '../support/fake-vk';
import {
  deliver,
  postVk,
  registerTeam,
  useManagerBotWorld,
  vkMessage,
  world,
} from '../support/manager-bot-world';

/**
 * A manager's reply the hub took (answered 2xx) always reaches the customer, once. The fault run
 * lost replies that answered a card the moment it arrived: the card's record is written after it
 * is sent (batched), and a reply looked up before that landed was dropped while Telegram was told
 * it had been taken. Here that reply is refused (503) until the card is known, and Telegram's
 * redelivery then sends it — once, however often it comes.
 */
const BOT_ID = 123456;
const SECRET = 'manager-webhook-secret';

let hub: Hub;
let vk: FakeVk;
let dispatcher: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ hub, vk, dispatcher } = world);
});
beforeAll(registerTeam);

/** The dispatcher's reply to a card, posted as Telegram posts it (the same update each time). */
function replyUpdate(updateId: number, cardMessageId: number, text: string) {
  const now = Math.floor(Date.now() / 1000);
  const chat = { id: dispatcher.id, type: 'private' };
  return {
    update_id: updateId,
    message: {
      message_id: 90_000 + updateId,
      date: now,
      chat,
      from: { id: dispatcher.id, is_bot: false, first_name: 'Дарья', language_code: 'ru' },
      text,
      reply_to_message: {
        message_id: cardMessageId,
        date: now,
        chat,
        from: { id: BOT_ID, is_bot: true, first_name: 'linehub' },
        text: 'карточка',
      },
    },
  };
}

async function post(update: unknown): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${hub.port}/webhooks/telegram/manager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(update),
  });
  await response.arrayBuffer();
  return response.status;
}

const repliesTo = (chatId: number, text: string) =>
  vk.deliveries().filter((d) => d.chatId === String(chatId) && d.text === text);

describe('a reply to a card that has just arrived', () => {
  it('is not taken before the card is known, then reaches the customer exactly once', async () => {
    const customer = 731001;
    await postVk(vkMessage('message_new', customer, 9101, 'Есть ли доставка в Тверь?'));
    await deliver();
    const card = dispatcher.history().at(-1)!;
    const ref = `${dispatcher.id}:${card.message_id}`;
    const { Notification } = hub.database.models;
    const notice = await Notification.findOne({ telegramRefs: ref }).lean();
    // As between the send and its batched record: the card is on screen, not yet in the store.
    await Notification.updateOne({ _id: notice!._id }, { $pull: { telegramRefs: ref } });

    const update = replyUpdate(880_001, card.message_id, 'Да, доставим за два дня.');
    expect(await post(update)).toBe(503);
    await hub.messaging.deliverNow();
    expect(repliesTo(customer, 'Да, доставим за два дня.')).toHaveLength(0);

    // The record lands; Telegram delivers the same update again, and again later.
    await Notification.updateOne({ _id: notice!._id }, { $addToSet: { telegramRefs: ref } });
    expect(await post(update)).toBe(200);
    expect(await post(update)).toBe(200);
    await hub.messaging.deliverNow();
    expect(repliesTo(customer, 'Да, доставим за два дня.')).toHaveLength(1);
  });
});
