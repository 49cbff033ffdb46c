import { SYSTEM } from '../../src/app/process/actor';
import type { Hub } from '../../src/hub';
import { buttonsOf, type FakeUser } from '../support/fake-telegram';
import {
  deliver,
  postVk,
  registerTeam,
  useManagerBotWorld,
  vkMessage,
  world,
} from '../support/manager-bot-world';

let hub: Hub;
let admin: FakeUser;
let dispatcher: FakeUser;
let seller: FakeUser;
let operator: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ hub, admin, dispatcher, seller, operator } = world);
});
beforeAll(registerTeam);

const VK_PEER = 731001;
const TELEGRAM_CHAT = '555000111';

/** The newest message the person has whose text matches. */
const lastMatching = (person: FakeUser, pattern: RegExp) =>
  person.history().findLast((message) => pattern.test(message.text));

/** A VK message dated after everything so far (VK dates to the second). */
function vkLater(id: number, text: string) {
  const event = vkMessage('message_new', VK_PEER, id, text);
  if ('message' in event.object) event.object.message.date = Math.ceil(Date.now() / 1000) + 1;
  return event;
}

/** The customer writes from Telegram too: the hub knows it is the same person (same contact). */
async function customerWritesInTelegram(id: number, text: string) {
  const { Contact, Conversation } = hub.database.models;
  const vk = await Conversation.findOne({ chatId: String(VK_PEER) }).lean();
  await Contact.updateOne(
    { _id: vk!.contactId },
    {
      $addToSet: {
        identities: { channel: 'telegram', externalId: TELEGRAM_CHAT },
        identityKeys: `telegram:${TELEGRAM_CHAT}`,
      },
    },
  );
  await hub.messaging.inbox.accept({
    channel: 'telegram',
    externalId: `${TELEGRAM_CHAT}:${id}`,
    senderId: TELEGRAM_CHAT,
    chatId: TELEGRAM_CHAT,
    text,
    attachments: [
      {
        kind: 'document',
        fileRef: 'https://files.example.com/brief.pdf',
        name: 'brief.pdf',
      },
    ],
    sentAt: new Date(),
  });
  await hub.messaging.inbox.drained();
}

/**
 * Марина writes in VK, the dispatcher answers, she writes again from Telegram, and the dispatcher
 * gives her lead to the seller: the first test checks this; the others start from it, made here
 * when they run alone.
 */
async function marinaHandedToSeller(): Promise<void> {
  if (lastMatching(seller, /^📂 Вам передан клиент: Марина Ковалёва/)) return;
  await postVk(vkMessage('message_new', VK_PEER, 7001, 'Здравствуйте! Нужны буклеты.'));
  await deliver();
  const { Contact, Conversation } = hub.database.models;
  const vkConversation = await Conversation.findOne({ chatId: String(VK_PEER) }).lean();
  await Contact.updateOne({ _id: vkConversation!.contactId }, { name: 'Марина Ковалёва' });

  // The dispatcher answers before choosing the manager.
  const card = lastMatching(dispatcher, /Нужны буклеты/)!;
  await dispatcher.reply(card, { text: 'Добрый день! Какой тираж?' });
  await hub.messaging.deliverNow();
  await customerWritesInTelegram(1, 'Тираж 500, бриф прилагаю');
  await deliver();

  await dispatcher.press('✅ Готово', lastMatching(dispatcher, /^📋 Выбрать ответственного/));
  await dispatcher.press('Семён');
  await deliver();
}

/** Ten more questions from Марина in VK (a redelivery, changing nothing, once they are in). */
async function tenMoreQuestions(): Promise<void> {
  for (let id = 7002; id <= 7011; id++) await postVk(vkLater(id, `Вопрос номер ${id - 7001}`));
  await deliver();
}

describe("a client's history in the manager bot", () => {
  it('the manager a lead is given receives the conversation so far, across channels, naming who wrote what', async () => {
    await marinaHandedToSeller();
    const { Conversation, Message } = hub.database.models;
    const vkConversation = await Conversation.findOne({ chatId: String(VK_PEER) }).lean();
    // Only one client and one lead: the Telegram message joined them.
    expect(await Conversation.countDocuments({ contactId: vkConversation!.contactId })).toBe(2);
    expect(await Message.countDocuments({ conversationId: vkConversation!._id })).toBe(2);

    const handOver = lastMatching(seller, /^📂/)!;
    const lines = handOver.text.split('\n');
    expect(lines[0]).toMatch(/^📂 Вам передан клиент: Марина Ковалёва · Лид №\d+$/);
    expect(lines[1]).toBe('Переписка — последние 3 сообщения из 3:');
    // Oldest first, each with its time, channel and author; the file as a link.
    expect(lines.slice(3)).toEqual([
      expect.stringMatching(
        /^\d+ \S+ \d\d:\d\d · 🟦 👤 Марина Ковалёва: Здравствуйте! Нужны буклеты\.$/,
      ),
      expect.stringMatching(/ · 🟦 💼 Дарья: Добрый день! Какой тираж\?$/),
      expect.stringMatching(/ · ✈️ 👤 Марина Ковалёва: Тираж 500, бриф прилагаю$/),
      '📎 brief.pdf: https://files.example.com/brief.pdf',
    ]);
    expect(buttonsOf(handOver).map((button) => button.text)).toEqual([
      '↩️ Ответить',
      '📄 Карточка',
      '🕘 История',
      '📋 Задачи клиента',
    ]);
    // The history comes first, the task to act on last.
    expect(seller.lastText()).toMatch(/^📋 Связаться с клиентом/);
  });

  it('the History button pages through the conversation in one message, older and newer', async () => {
    await marinaHandedToSeller();
    await tenMoreQuestions();
    // 3 + 10 messages: two pages of ten.
    await seller.press('🕘 История', lastMatching(seller, /^📂/));
    const sent = seller.history().length;
    const page = seller.history().at(-1)!;
    expect(page.text).toMatch(
      /^🕘 История · Марина Ковалёва · Лид №\d+\nСтраница 2 из 2 · всего сообщений: 13\n\n/,
    );
    expect(page.text).toMatch(/Вопрос номер 10$/);
    expect(page.text).not.toMatch(/Нужны буклеты/);
    expect(buttonsOf(page).map((button) => button.text)).toEqual(['◀️ Раньше', '📄 Карточка']);

    await seller.press('◀️ Раньше', page);
    const older = seller.history().find((message) => message.message_id === page.message_id)!;
    expect(seller.history()).toHaveLength(sent);
    expect(older.text).toMatch(/\nСтраница 1 из 2 · всего сообщений: 13\n/);
    expect(older.text).toMatch(/👤 Марина Ковалёва: Здравствуйте! Нужны буклеты\./);
    // Pages count back from the newest ten: the oldest page holds what is left.
    expect(older.text).toMatch(/Тираж 500, бриф прилагаю\n📎 brief\.pdf: https:\S+$/);
    expect(older.text).not.toMatch(/Вопрос номер/);
    expect(buttonsOf(older).map((button) => button.text)).toEqual(['Позже ▶️', '📄 Карточка']);

    await seller.press('Позже ▶️', older);
    expect(seller.history().find((m) => m.message_id === page.message_id)!.text).toMatch(
      /Страница 2 из 2/,
    );
  });

  it("the Tasks button on a client's card lists that client's tasks, not all of mine", async () => {
    await marinaHandedToSeller();
    await tenMoreQuestions();
    await seller.command('/task Позвонить в бухгалтерию');
    const clientCard = lastMatching(seller, /^🟦 ВКонтакте · .+\n.+\n\nВопрос номер 10$/)!;
    await seller.press('📋 Задачи', clientCard);
    const list = seller.lastText();
    expect(list).toMatch(/^📋 Задачи клиента Марина Ковалёва\n\n⏳ Связаться с клиентом — до /);
    expect(list).toMatch(/\n✅ Выбрать ответственного менеджера$/);
    expect(list).not.toMatch(/бухгалтерию/);
    await seller.press('⏳ Связаться с клиентом');
    expect(seller.lastText()).toMatch(/^📋 Связаться с клиентом/);
  });

  it('refuses the history of a client to someone who may not act on their lead', async () => {
    await marinaHandedToSeller();
    const button = buttonsOf(lastMatching(seller, /^📂/)!).find((b) => b.text === '🕘 История')!;
    await world.operator.sendCallbackData(button.callback_data!);
    expect(world.operator.lastText()).not.toMatch(/Марина/);
    expect(world.operator.lastText()).toMatch(/нет прав/);
  });

  it('hand-off: the operations manager receives the client with the conversation, once for all their deals', async () => {
    const peer = 731002;
    const { Contact, Conversation, Lead, Task } = hub.database.models;
    await postVk(
      vkMessage('message_new', peer, 8001, 'Добрый день, нужен дизайн и печать каталога'),
    );
    const conversation = await Conversation.findOne({ chatId: String(peer) }).lean();
    await Contact.updateOne({ _id: conversation!.contactId }, { name: 'Олег Петров' });
    await deliver();
    await dispatcher.press('✅ Готово', lastMatching(dispatcher, /^📋 Выбрать ответственного/));
    await dispatcher.press('Семён');
    await deliver();
    // Replying to the card the seller was handed answers the client, as on a client's card.
    await seller.reply(lastMatching(seller, /^📂 .*Олег Петров/)!, {
      text: 'Олег, пришлю предложение сегодня',
    });
    expect(seller.lastText()).toMatch(/^(⏳ Отправляем клиенту…|✓ Доставлено клиенту)$/);
    await hub.messaging.deliverNow();
    const lead = await Lead.findOne({ contactId: conversation!.contactId }).lean();
    const subject = { kind: 'lead' as const, id: lead!._id.toHexString() };
    // The fields the proposal stage requires are set up directly: the hand-off is what is tested.
    await hub.process.engine.fillFields(
      subject,
      { employees: 40, area: '120 м²', brief: { fileRef: 'brief-1', name: 'brief.pdf' } },
      SYSTEM,
    );
    for (const step of ['first_contact', 'qualify', 'send_proposal']) {
      const task = await Task.findOne({
        'subject.id': lead!._id,
        'chain.stepId': step,
        status: 'open',
      }).lean();
      await seller.sendCallbackData(`t:d:${task!._id.toHexString()}`);
      await deliver();
    }
    const handOff = await Task.findOne({ 'subject.id': lead!._id, 'chain.stepId': 'hand_off' });
    await seller.sendCallbackData(`t:d:${handOff!._id.toHexString()}`);
    expect(seller.lastText()).toMatch(/^Какие сделки создать при передаче\?/);
    await seller.press('Стандартный заказ');
    await seller.press('Заказ с дизайном');
    await seller.press('✅ Готово');
    await deliver();

    const cards = operator.texts().filter((text) => /^📂 .*Олег Петров/.test(text));
    expect(cards).toHaveLength(1);
    const lines = cards[0]!.split('\n');
    expect(lines[0]).toMatch(/^📂 Вам передан клиент: Олег Петров · Сделка №\d+$/);
    expect(lines.slice(1)).toEqual([
      'Переписка — последние 2 сообщения из 2:',
      '',
      expect.stringMatching(/ · 🟦 👤 Олег Петров: Добрый день, нужен дизайн и печать каталога$/),
      expect.stringMatching(/ · 🟦 💼 Семён: Олег, пришлю предложение сегодня$/),
    ]);

    // The deal's robot greeted the client on entering its first stage: History names it so.
    await hub.messaging.deliverNow();
    await operator.press('🕘 История', lastMatching(operator, /^📂 .*Олег Петров/));
    expect(operator.lastText()).toMatch(
      /\nСтраница 1 из 1 · всего сообщений: 3\n\n.+Олег Петров: Добрый день.+\n.+💼 Семён: .+\n.+ · 🟦 🤖 Робот: \S.+$/,
    );
  });

  it('in English: deactivating the manager hands the dispatcher the client with the history', async () => {
    await marinaHandedToSeller();
    await tenMoreQuestions();
    await dispatcher.command('/lang en');
    await admin.command('/deactivate Семён');
    expect(admin.lastText()).toMatch(/^Семён отключён/);
    await deliver();
    const handOvers = dispatcher
      .texts()
      .filter((text) => /^📂 A client is now yours: Марина Ковалёва/.test(text));
    // One card for the client, however many of their tasks moved.
    expect(handOvers).toHaveLength(1);
    const lines = handOvers[0]!.split('\n');
    expect(lines[0]).toMatch(/^📂 A client is now yours: Марина Ковалёва · Lead #\d+$/);
    expect(lines[1]).toBe('Conversation — the last 10 messages of 13:');
    expect(lines.at(-1)).toMatch(/ · 🟦 👤 Марина Ковалёва: Вопрос номер 10$/);

    await dispatcher.press(
      '🕘 History',
      dispatcher.history().findLast((m) => /^📂/.test(m.text)),
    );
    expect(dispatcher.lastText()).toMatch(
      /^🕘 History · Марина Ковалёва · Lead #\d+\nPage 2 of 2 · 13 messages in all\n/,
    );
    await dispatcher.press('◀️ Older');
    expect(dispatcher.lastText()).toMatch(/\nPage 1 of 2 · /);
    expect(dispatcher.lastText()).toMatch(
      / · ✈️ 👤 Марина Ковалёва: Тираж 500, бриф прилагаю\n📎 brief\.pdf: https:/,
    );

    // The client's tasks, in English, from the same card: the one now the dispatcher's is open.
    await dispatcher.press(
      "📋 Client's tasks",
      dispatcher.history().findLast((m) => /^📂 A client is now yours: Марина/.test(m.text)),
    );
    expect(dispatcher.lastText()).toMatch(
      /^📋 Tasks of Марина Ковалёва\n\n⏳ Contact the client — due .+\n✅ Choose the responsible manager$/,
    );
  });
});
