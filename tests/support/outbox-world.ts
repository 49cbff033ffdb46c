/** The outbox's delivery tests' world: a Bot API that answers as scripted per chat, VK, a store. */
import { Types } from 'mongoose';
import type { ServerResponse } from 'node:http';
import type { ChannelAdapter } from '../../channels/contract';
import { createTelegramChannel } from '../../channels/telegram/telegram.channel';
import { createVkChannel } from '../../channels/vk/vk.channel';
import { leaseMaker } from '../../src/app/lease';
import { OutboxWorker } from '../../src/app/messaging/outbox-worker';
import type { NewOutbound, OutboxStore } from '../../src/app/messaging/ports';
import type { Channel } from '../../src/domain/channel';
import type { DeliveryFailure } from '../../src/domain/outbox';
import { createOutboxStore } from '../../src/store/repositories/outbox.repository';
import { openTestDatabase } from './database';
import { startFakeVk, type FakeVk } from './fake-vk';
import { startLoopbackServer, type LoopbackServer } from './http-fake';
import { ManualClock } from './manual-timers';

/**
 * A Bot API on loopback that answers each send as scripted per chat (429 with retry_after, 500,
 * or a call that never answers), so the outbox's retries and isolation can be counted exactly.
 */
export interface ScriptedBotApi extends LoopbackServer {
  script(chatId: string, answers: ('ok' | '429' | '500' | 'hang')[]): void;
  /** What reached each chat: `text` or `file:<name>`. */
  delivered(chatId: string): string[];
  hanging(): number;
}

async function startScriptedBotApi(): Promise<ScriptedBotApi> {
  const scripts = new Map<string, string[]>();
  const delivered = new Map<string, string[]>();
  const hung: ServerResponse[] = [];
  let nextId = 500;
  const server = await startLoopbackServer((request, body, response) => {
    const method = /\/bot[^/]+\/(\w+)/.exec(request.url ?? '')?.[1] ?? '';
    const raw = body.toString('latin1');
    const json = (request.headers['content-type'] ?? '').includes('json')
      ? (JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>)
      : {};
    const chatId = String(json.chat_id ?? /name="chat_id"\r\n\r\n([^\r]+)/.exec(raw)?.[1] ?? '');
    const answer = scripts.get(chatId)?.shift();
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (answer === 'hang') return void hung.push(response);
    if (answer === '429') {
      const description = 'Too Many Requests: retry after 3';
      return reply(429, {
        ok: false,
        error_code: 429,
        description,
        parameters: { retry_after: 3 },
      });
    }
    if (answer === '500') {
      return reply(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    }
    const file = /filename="?([^"\r\n]+)"?/.exec(raw)?.[1];
    const what = method === 'sendMessage' ? String(json.text) : `file:${file ?? '?'}`;
    delivered.set(chatId, [...(delivered.get(chatId) ?? []), what]);
    nextId += 1;
    reply(200, {
      ok: true,
      result: { message_id: nextId, date: 1, chat: { id: Number(chatId), type: 'private' } },
    });
  });
  return {
    ...server,
    script: (chatId, answers) => scripts.set(chatId, [...answers]),
    delivered: (chatId) => delivered.get(chatId) ?? [],
    hanging: () => hung.filter((response) => !response.writableEnded).length,
  };
}

export const VK_GROUP = 218734512;
export let database: Awaited<ReturnType<typeof openTestDatabase>>;
export let store: OutboxStore;
export let botApi: ScriptedBotApi;
export let files: LoopbackServer;
export let vk: FakeVk;
export let telegram: ChannelAdapter;
export let vkChannel: ChannelAdapter;
export const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
export const outcomes: { key: string; state: 'sent' | DeliveryFailure }[] = [];
export const errors: unknown[] = [];
/** Workers whose lanes may still run when the file ends (the hung chat). */
const workers: OutboxWorker[] = [];

/** The scripted Bot API, fake VK, file server and store, started and stopped around a test file. */
export function useOutboxWorld(): void {
  beforeAll(async () => {
    database = await openTestDatabase();
    store = createOutboxStore(database.models);
    botApi = await startScriptedBotApi();
    files = await startLoopbackServer((_request, _body, response) => {
      response.end('%PDF-1.4');
    });
    vk = await startFakeVk({ token: 'vk-token', groupId: VK_GROUP });
    telegram = createTelegramChannel({
      token: '7000001:customer',
      apiRoot: botApi.url,
      mode: 'webhook',
      sendTimeoutMs: 60_000,
      onError: () => undefined,
    });
    vkChannel = createVkChannel({
      groupId: VK_GROUP,
      token: 'vk-token',
      secret: 's',
      confirmationCode: 'c',
      apiBaseUrl: vk.apiBaseUrl,
    });
  });
  afterAll(async () => {
    // Closing the Bot API ends the hung call; its lane finishes before the database goes.
    await Promise.all([botApi?.close(), files?.close()]);
    await Promise.all(workers.map((w) => w.idle()));
    await vkChannel?.stop();
    await vk?.close();
    await database?.drop();
  });
  beforeEach(() => {
    outcomes.length = 0;
  });
}

/** A worker of one process (its own lease owner) over the shared store. */
export function worker(
  owner: string,
  senders: Partial<Record<Channel, ChannelAdapter>> = {},
  batches?: { pass: number; lane: number },
) {
  const made = new OutboxWorker({
    ...(batches ? { batches } : {}),
    store,
    senders: (channel) => ({ telegram, vk: vkChannel, ...senders })[channel],
    fileUrl: (ref, name) => `${files.url}/${ref}/${name}`,
    clock,
    lease: leaseMaker(clock, 60_000, owner),
    onSent: async (item) => void outcomes.push({ key: item.key, state: 'sent' }),
    onFailed: async (item, reason) => void outcomes.push({ key: item.key, state: reason }),
    wakeAt: () => undefined,
    onError: (error) => void errors.push(error),
    // The chat's pace is waited out on the test's clock.
    pause: async (ms) => clock.set(new Date(clock.now().getTime() + ms)),
  });
  workers.push(made);
  return made;
}

const conversation = new Types.ObjectId().toHexString();
export const message = (
  cause: string,
  channel: Channel,
  chatId: string,
  extra: Partial<NewOutbound>,
) => ({
  cause,
  conversationId: conversation,
  channel,
  chatId,
  attachments: [],
  ...extra,
});
export const entriesOf = async (cause: string) =>
  (await database.models.Outbox.find().sort({ part: 1 }).lean()).filter((entry) =>
    entry.key.startsWith(`${cause}:`),
  );
/** Runs passes, moving the clock past each wait, until nothing of `cause` is left to send. */
export async function deliverAll(w: OutboxWorker, cause: string, rounds = 10) {
  for (let round = 0; round < rounds; round += 1) {
    await w.runOnce();
    await w.idle();
    const live = (await entriesOf(cause)).filter((e) => ['pending', 'sending'].includes(e.status));
    if (live.length === 0) return;
    const next = Math.max(...live.map((entry) => entry.nextAttemptAt.getTime()));
    // Past the entry's next attempt and past the chat's pace (Telegram: a second per message).
    clock.set(new Date(Math.max(next, clock.now().getTime() + 1500) + 1));
  }
}
