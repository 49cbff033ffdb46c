import { inboxKey } from '../../src/app/messaging/inbox';
import type { InboundMessage } from '../../src/domain/message';
import { createInboxStore } from '../../src/store/repositories/inbox.repository';
import { eventually } from '../support/database';
import type { FakeUser } from '../support/fake-telegram';
import { registerTeam, useManagerBotWorld, world } from '../support/manager-bot-world';

let admin: FakeUser;
let seller: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ admin, seller } = world);
});
beforeAll(registerTeam);

/** A customer message acknowledged and then given up on after its retries (a poison item). */
async function park(externalId: string, text: string): Promise<string> {
  const message: InboundMessage = {
    channel: 'vk',
    externalId,
    senderId: `c${externalId}`,
    chatId: `c${externalId}`,
    senderName: 'Клиент',
    text,
    attachments: [],
    sentAt: new Date(),
  };
  const key = inboxKey(message);
  const store = createInboxStore(world.hub.database.models);
  await store.add(
    { key, chat: `vk:c${externalId}`, message, receivedAt: new Date(), attempts: 0 },
    { owner: 'elsewhere', until: new Date(Date.now() + 60_000) },
  );
  await store.park(key, 'elsewhere', 8, 'E11000 something broke while ingesting');
  return key;
}

describe('parked inbox items in the manager bot', () => {
  it('shows admins what could not be taken in, and lets them retry or drop it', async () => {
    await admin.command('/inbox');
    expect(admin.lastText()).toBe(
      'Непринятых сообщений нет: всё, что прислали клиенты, разобрано.',
    );

    await seller.command('/inbox');
    expect(seller.lastText()).toBe('Эта команда только для администраторов.');

    await park('9001', 'Хочу заказать диван');
    await park('9002', 'Спам');
    await admin.command('/inbox');
    const texts = admin.texts().slice(-3);
    expect(texts[0]).toBe('Не удалось разобрать 2 сообщения клиентов (они сохранены):');
    expect(texts[1]).toMatch(
      /^ВКонтакте · .+ · попыток: 8\n«Хочу заказать диван»\nПричина: E11000/,
    );
    expect(texts[2]).toMatch(/«Спам»/);

    // "Try again" ingests it now: the message is stored, a lead is opened, it leaves the list.
    const { Inbox, Message } = world.hub.database.models;
    await admin.press('🔁 Повторить', admin.history().at(-2));
    expect(admin.lastText()).toBe('Сообщение снова в очереди — его разберут сейчас.');
    await eventually(async () => (await Message.countDocuments({ externalId: '9001' })) === 1);
    await eventually(async () => (await Inbox.countDocuments({ _id: 'vk:9001' })) === 0);

    // "Drop" removes it for good; pressing it again finds nothing.
    const spam = admin.history().at(-2);
    await admin.press('🗑 Удалить', spam);
    expect(admin.lastText()).toBe('Сообщение удалено из очереди.');
    expect(await Inbox.countDocuments({ _id: 'vk:9002' })).toBe(0);
    expect(await Message.countDocuments({ externalId: '9002' })).toBe(0);
    await admin.press('🗑 Удалить', spam); // the same button again, as a double tap would
    expect(admin.lastText()).toBe('Этого сообщения уже нет в списке.');
  });
});
