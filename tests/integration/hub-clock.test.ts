import { ManualClock, ManualTimers } from '../support/manual-timers';
import { connectVisitor } from '../support/widget-visitor';
import {
  deliver,
  postVk,
  registerTeam,
  SENT_AT,
  useManagerBotWorld,
  vkMessage,
  world,
} from '../support/manager-bot-world';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const clock = new ManualClock(new Date(SENT_AT * 1000));
const timers = new ManualTimers(clock);

// The whole hub reads the time from this clock, and its timers fire on it.
useManagerBotWorld({}, { clock, timers });
beforeAll(() => {
  timers.handlers = world.hub.process.handlers;
});
// Each test may run alone (`-t`); the team is registered once, by whichever comes first.
let team: Promise<void> | undefined;
const teamRegistered = () => (team ??= registerTeam());

describe('a whole hub on an injected clock', () => {
  it('tells the dispatcher of a client left unanswered once the clock reaches 20 minutes', async () => {
    await teamRegistered();
    const { dispatcher } = world;
    await postVk(vkMessage('message_new', 777_001, 1, 'Здравствуйте! Вы доставляете в Казань?'));
    await deliver();
    // One card: the client's words and the dispatcher's task they gave.
    expect(dispatcher.lastText()).toMatch(
      /Вы доставляете в Казань\?\n\n.+\n📋 Выбрать ответственного менеджера\n⏱ /,
    );
    const seen = dispatcher.texts().length;

    await timers.advanceBy(19 * MINUTE);
    await deliver();
    expect(dispatcher.texts()).toHaveLength(seen);

    await timers.advanceBy(MINUTE);
    await deliver();
    // Two timers fall due together: the reply SLA's first rung and the task's own deadline.
    expect(dispatcher.texts().slice(seen).sort()).toEqual([
      '⏳ Клиент ждёт ответа уже 20 мин. · клиент без имени · Лид №1',
      '⚠️ Просрочена задача: Выбрать ответственного менеджера · клиент без имени · Лид №1',
    ]);
  });

  it("dates a widget visitor's message and the manager's answer by the clock's time", async () => {
    await teamRegistered();
    const { dispatcher } = world;
    // Hours from the wall clock's time, so a time taken from the wall clock cannot pass.
    await timers.advanceBy(3 * HOUR);
    const url = `http://127.0.0.1:${world.hub.port}`;
    const visitor = await connectVisitor(url, { siteKey: 'demo' });
    const writtenAt = clock.now().toISOString();
    const sent = await visitor.send({ text: 'Добрый день! Есть доставка в Тюмень?' });
    expect(sent).toMatchObject({ ok: true, item: { sentAt: writtenAt } });
    await world.hub.messaging.inbox.drained();
    await deliver();
    // The card of this message (an earlier client's reminders may come around it).
    const card = dispatcher.history().find((m) => m.text?.includes('Есть доставка в Тюмень?\n'));
    expect(card).toBeDefined();

    await timers.advanceBy(5 * MINUTE);
    const answeredAt = clock.now().toISOString();
    await dispatcher.reply(card!, { text: 'Есть, по четвергам.' });
    await world.hub.messaging.deliverNow();
    expect(visitor.received).toContainEqual(
      expect.objectContaining({ text: 'Есть, по четвергам.', sentAt: answeredAt }),
    );
    visitor.close();

    // Back on the site later: the message they wrote is shown at the time they wrote it.
    await timers.advanceBy(HOUR);
    const back = await connectVisitor(url, { siteKey: 'demo', token: visitor.hello.token });
    expect(back.hello.history).toContainEqual(
      expect.objectContaining({
        direction: 'inbound',
        text: 'Добрый день! Есть доставка в Тюмень?',
        sentAt: writtenAt,
      }),
    );
    back.close();
  });
});
