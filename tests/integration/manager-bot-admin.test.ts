import type { Hub } from '../../src/hub';
import type { FakeTelegram, FakeUser } from '../support/fake-telegram';
import {
  deliver,
  openTaskOf,
  postVk,
  registerTeam,
  SENT_AT,
  useManagerBotWorld,
  vkMessage,
  world,
} from '../support/manager-bot-world';

let hub: Hub;
let telegram: FakeTelegram;
let admin: FakeUser;
let seller: FakeUser;
let operator: FakeUser;

useManagerBotWorld();
beforeAll(() => {
  ({ hub, telegram, admin, seller, operator } = world);
});

beforeAll(registerTeam);

describe('admin commands in the manager bot', () => {
  it('lets an admin change routing by commands, dry-run it, undo it and read the audit', async () => {
    await seller.command('/route_add * -> dispatcher');
    expect(seller.lastText()).toBe('Эта команда только для администраторов.');

    await admin.command('/route_add channel=vk utm_source=ads -> manager Семён');
    expect(admin.lastText()).toBe(
      'Сохранено. Теперь правила такие:\n1. channel=vk utm_source=ads → менеджеру Семён',
    );
    await admin.command('/route_test vk Здравствуйте utm_source=ads');
    expect(admin.lastText()).toMatch(/правило 1, но сейчас никто из названных не доступен/);
    await seller.command('/online');
    await admin.command('/route_test vk Здравствуйте utm_source=ads');
    expect(admin.lastText()).toBe('Сработает правило 1 → Семён');

    await admin.command('/route_add channel=vk -> manager Никто');
    expect(admin.lastText()).toBe('Не сохранено:\n• нет активного сотрудника «Никто»');
    await admin.command('/route_add channel=vk -> round_robin sales');
    await admin.command('/route_add channel=vk keyword=цена -> dispatcher');
    expect(admin.lastText()).toBe(
      'Не сохранено:\n• правило 3 никогда не сработает: его перекрывает правило 2',
    );
    await admin.command('/route_test vk Привет');
    expect(admin.lastText()).toBe('Сработает правило 2 → Семён');

    await admin.command('/route_undo');
    expect(admin.lastText()).toBe(
      'Сохранено. Теперь правила такие:\n1. channel=vk utm_source=ads → менеджеру Семён',
    );
    await admin.command('/route_test vk Привет');
    expect(admin.lastText()).toBe('Ни одно правило не подходит → диспетчеру');

    await admin.command('/audit');
    const entries = admin.texts().slice(-3);
    expect(entries[0]).toMatch(
      /Анна · отменил изменение\nБыло:\n1\. .*\n2\. channel=vk → по очереди в отделе продаж\nСтало:\n1\. channel=vk utm_source=ads/,
    );
    expect(entries[1]).toMatch(/Анна · добавил правило \(отменено\)/);
    expect(entries[2]).toMatch(/Анна · добавил правило\nБыло:\nПравил нет/);
  });

  it('shows a catch-all rule (*) in the audit', async () => {
    await admin.command('/route_add * -> dispatcher');
    await admin.command('/audit');
    const entry = admin
      .texts()
      .find((text) => /· добавил правило\n/.test(text) && /\* →/.test(text));
    expect(entry).toMatch(/\nСтало:\n(?:.*\n)*\d+\. \* → диспетчеру$/);
    // The rule goes again, so what follows routes as before.
    await admin.command('/route_undo');
    expect(admin.lastText()).not.toMatch(/\* →/);
  });

  it("lets an admin run the organisation; a deactivated person's work goes to the dispatcher", async () => {
    await seller.command('/users');
    expect(seller.lastText()).toBe('Эта команда только для администраторов.');
    // Семён says he is working, as a manager does at the start of the day.
    await seller.command('/online');
    await admin.command('/users');
    expect(admin.lastText()).toMatch(/^Сотрудники:\n1\. Анна \(1001\) — администратор/);
    expect(admin.lastText()).toMatch(/\d\. Семён \(1003\) — менеджер, sales · 🟢 в сети/);
    await admin.command('/role Анна manager');
    expect(admin.lastText()).toBe('Это последний администратор: сначала назначьте другого.');

    await operator.command('/schedule mon-fri/09:00-18:00');
    expect(operator.lastText()).toBe(
      'График Ольга: mon-fri/09:00-18:00. Вне его новые лиды не назначаются.',
    );
    await admin.command('/role Ольга wizard');
    expect(admin.lastText()).toBe('Нет роли «wizard»: manager, dispatcher, head, admin.');

    await seller.command('/task Позвонить в бухгалтерию');
    expect(await openTaskOf(seller)).not.toBeNull();
    await admin.command('/deactivate Семён');
    expect(admin.lastText()).toMatch(/^Семён отключён\. Диспетчеру передано: \d+ задач/);
    expect(await openTaskOf(seller)).toBeNull();
    await seller.command('/tasks');
    expect(seller.lastText()).toMatch(/только для сотрудников/);

    await admin.command('/sla');
    expect(admin.lastText()).toMatch(/^Лестница ответа клиенту: 20m → 40m → 2h → 4h/);
    await admin.command('/sla 10m 30m');
    expect(admin.lastText()).toMatch(/^Нужно 4 значения по возрастанию/);
    await admin.command('/sla 15m 30m 1h 3h');
    expect(admin.lastText()).toMatch(/^Сохранено\. Лестница ответа клиенту: 15m → 30m → 1h → 3h/);
    await postVk(vkMessage('message_new', 730002, 9101, 'Есть кто?'));
    const waiting = await hub.database.models.Conversation.findOne({ chatId: '730002' }).lean();
    const reminder = await hub.database.connection
      .db!.collection('agendaJobs')
      .findOne({ 'data.timerKey': `sla:${waiting!._id.toHexString()}` });
    expect(reminder?.nextRunAt).toEqual(new Date((SENT_AT + 15 * 60) * 1000));

    const heads = telegram.member(1001, 'Анна', -100500);
    await heads.command('/set_alerts');
    expect(telegram.chatTexts(-100500).at(-1)).toBe(
      '🔴 Этот чат теперь получает красные алерты руководителей.',
    );
    await hub.process.notifier.alertHeads({
      kind: 'sla',
      conversationId: '6561f0a0a0a0a0a0a0a0a0a1',
      waitingMs: 2 * 3600_000,
    });
    await deliver();
    expect(telegram.chatTexts(-100500).at(-1)).toBe('🔴 Клиент ждёт ответа 120 мин.');
  });
});
