import { ManualClock, ManualTimers } from '../support/manual-timers';
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
const clock = new ManualClock(new Date(SENT_AT * 1000));
const timers = new ManualTimers(clock);

// The whole hub reads the time from this clock, and its timers fire on it.
useManagerBotWorld({}, { clock, timers });
beforeAll(() => {
  timers.handlers = world.hub.process.handlers;
});

describe('a whole hub on an injected clock', () => {
  it('tells the dispatcher of a client left unanswered once the clock reaches 20 minutes', async () => {
    await registerTeam();
    const { dispatcher } = world;
    await postVk(vkMessage('message_new', 777_001, 1, 'Здравствуйте! Вы доставляете в Казань?'));
    await deliver();
    expect(dispatcher.lastText()).toMatch(/Вы доставляете в Казань\?$/);
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
});
