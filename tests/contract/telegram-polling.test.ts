import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createTelegramChannel,
  TelegramUpdateSkipped,
} from '../../channels/telegram/telegram.channel';
import type { ChannelAdapter } from '../../channels/contract';
import { botInfo } from '../support/bot-info';
import { eventually } from '../support/database';
import { startFakeTelegramApi, type FakeTelegramApi } from '../support/fake-telegram-api';

/**
 * The recorded text message (tests/fixtures/telegram/text.json, an Update as the Bot API documents
 * it: https://core.telegram.org/bots/api#update and #message) with its id and text changed; the
 * fake numbers `update_id` in queue order.
 */
const recorded = JSON.parse(
  readFileSync(path.join(__dirname, '../fixtures/telegram/text.json'), 'utf8'),
) as { message: Record<string, unknown> };
const message = (id: number, text: string) => ({
  message: { ...recorded.message, message_id: id, text },
});

describe('telegram customer bot, long polling', () => {
  let fake: FakeTelegramApi;
  let channel: ChannelAdapter | undefined;
  const errors: unknown[] = [];
  beforeEach(async () => {
    fake = await startFakeTelegramApi();
    errors.length = 0;
  });
  afterEach(async () => {
    await channel?.stop();
    await fake.close();
  });

  const polling = () =>
    createTelegramChannel({
      token: '7000001:customer',
      apiRoot: fake.url,
      mode: 'polling',
      botInfo: botInfo(7000001, 'linehub_customer_bot'),
      // The default number of tries, with short waits between them.
      pollingRetry: { firstDelayMs: 1 },
      onError: (error) => errors.push(error),
    });

  it('skips an update that keeps failing after 5 tries, reports it, and handles the next', async () => {
    const tries: string[] = [];
    const stored: string[] = [];
    channel = polling();
    await channel.start(async (inbound) => {
      tries.push(inbound.text ?? '');
      if (inbound.text === 'poison') throw new Error('cannot be stored');
      stored.push(inbound.text ?? '');
    });
    const poison = fake.queueUpdate(message(1, 'poison'));
    fake.queueUpdate(message(2, 'after the poison'));

    await eventually(async () => stored.length === 1, { intervalMs: 10 });
    expect(stored).toEqual(['after the poison']);
    expect(tries.filter((text) => text === 'poison')).toHaveLength(5);
    const skipped = errors.filter((error) => error instanceof TelegramUpdateSkipped);
    expect(skipped).toEqual([expect.objectContaining({ updateId: poison, tries: 5 })]);
    expect((skipped[0] as Error).cause).toEqual(new Error('cannot be stored'));
  });

  it('holds an update through a passing failure and stores it once', async () => {
    let failures = 2;
    const stored: string[] = [];
    channel = polling();
    await channel.start(async (inbound) => {
      if (failures-- > 0) throw new Error('database away');
      stored.push(inbound.text ?? '');
    });
    fake.queueUpdate(message(1, 'first'));
    fake.queueUpdate(message(2, 'second'));

    await eventually(async () => stored.length === 2, { intervalMs: 10 });
    expect(stored).toEqual(['first', 'second']);
    expect(errors.some((error) => error instanceof TelegramUpdateSkipped)).toBe(false);
  });
});
