import { Api, InputFile } from 'grammy';
import type { ChatEvent } from '../../widget/sandbox/protocol';
import { startStandIns, type StandIns } from '../../src/sandbox/stand-ins/stand-in-server';

const MANAGER = '7001:manager-token';
const CUSTOMER = '7002:customer-token';
const ANNA = { id: 501, name: 'Анна', language: 'ru' as const };

/**
 * The sandbox's Bot API stand-in, called by grammY's own client as the hub's bots call it: what a
 * bot sends, edits, deletes and answers is what the page's chats show, and a person's messages
 * and button presses reach the bot as updates.
 */
describe("the sandbox's Bot API stand-in", () => {
  let standIns: StandIns;
  let api: Api;
  const events: ChatEvent[] = [];
  beforeAll(async () => {
    standIns = await startStandIns(
      { botTokens: { manager: MANAGER, customer: CUSTOMER }, vkToken: 'vk', viberToken: 'viber' },
      (id) => `/sandbox/files/${id}`,
    );
    standIns.log.on((event) => events.push(event));
    api = new Api(MANAGER, { apiRoot: standIns.urls.telegram });
  });
  afterAll(() => standIns.close());

  it('records messages with keyboards, edits in place, deletions, menus and alerts', async () => {
    const sent = await api.sendMessage(ANNA.id, '📋 Связаться с клиентом', {
      reply_markup: { inline_keyboard: [[{ text: '✅ Готово', callback_data: 't:d:1' }]] },
      entities: [{ type: 'bold', offset: 3, length: 9 }],
    });
    await api.editMessageText(ANNA.id, sent.message_id, '✅ Готово: Связаться с клиентом');
    await api.setMyCommands([{ command: 'tasks', description: 'Мои задачи' }], {
      scope: { type: 'chat', chat_id: ANNA.id },
    });
    const chat = () => standIns.log.history('manager', String(ANNA.id));
    expect(chat()).toEqual([
      expect.objectContaining({
        from: 'bot',
        text: '✅ Готово: Связаться с клиентом',
        edited: true,
        entities: [],
        buttons: [],
      }),
    ]);
    expect(standIns.log.commands('manager', String(ANNA.id))).toEqual([
      { command: 'tasks', description: 'Мои задачи' },
    ]);

    const prompt = await api.sendMessage(ANNA.id, 'Что случилось?', {
      reply_markup: { force_reply: true },
    });
    expect(chat().at(-1)).toMatchObject({ forceReply: true });
    await api.deleteMessage(ANNA.id, prompt.message_id);
    expect(chat()).toHaveLength(1);
    // Telegram answers 400 for a message that is not there.
    await expect(api.editMessageText(ANNA.id, 99_999, 'x')).rejects.toMatchObject({
      error_code: 400,
    });
    // A token it does not know gets Telegram's 401.
    await expect(
      new Api('1:wrong', { apiRoot: standIns.urls.telegram }).getMe(),
    ).rejects.toMatchObject({ error_code: 401 });
  });

  it('keeps a document for the page and serves it by the link it records', async () => {
    await api.sendDocument(ANNA.id, new InputFile(Buffer.from('%PDF-1.4 счёт'), 'счёт.pdf'), {
      caption: 'Счёт клиента',
    });
    const message = standIns.log.history('manager', String(ANNA.id)).at(-1)!;
    expect(message).toMatchObject({
      text: 'Счёт клиента',
      file: { kind: 'document', name: 'счёт.pdf' },
    });
    const id = message.file!.url.split('/').pop()!;
    expect(standIns.telegram.file(id)?.data.toString('utf8')).toBe('%PDF-1.4 счёт');
  });

  it("hands a person's message, reply and button press to the bot by long polling", async () => {
    const card = await api.sendMessage(ANNA.id, 'Кому передать лид?', {
      reply_markup: { inline_keyboard: [[{ text: 'Семён', callback_data: 't:a:1:2' }]] },
    });
    const polled = api.getUpdates({ offset: 0, timeout: 10 });
    standIns.telegram.say('manager', ANNA, '/tasks');
    const [command] = await polled;
    expect(command?.message).toMatchObject({
      text: '/tasks',
      from: { id: ANNA.id, language_code: 'ru' },
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    });

    standIns.telegram.say('manager', ANNA, 'Ответ', { replyTo: card.message_id });
    expect(
      standIns.telegram.press('manager', ANNA, String(ANNA.id), card.message_id, 't:a:1:2'),
    ).toBe(true);
    // A button the message does not have cannot be pressed.
    expect(standIns.telegram.press('manager', ANNA, String(ANNA.id), card.message_id, 'x')).toBe(
      false,
    );
    const updates = await api.getUpdates({ offset: command!.update_id + 1, timeout: 10 });
    expect(updates.map((update) => update.message?.reply_to_message?.message_id)).toEqual([
      card.message_id,
      undefined,
    ]);
    const press = updates[1]!.callback_query!;
    expect(press).toMatchObject({ data: 't:a:1:2', message: { message_id: card.message_id } });

    await api.answerCallbackQuery(press.id, { text: 'Задача уже закрыта', show_alert: true });
    expect(events.at(-1)).toEqual({
      type: 'alert',
      service: 'manager',
      chatId: String(ANNA.id),
      text: 'Задача уже закрыта',
      showAlert: true,
    });
  });
});
