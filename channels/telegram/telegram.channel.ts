import { timingSafeEqual } from 'node:crypto';
import { Api, Bot, InputFile } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { OutboundAttachment } from '../../src/domain/message';
import {
  fetchUrl,
  headerValue,
  parseJsonBody,
  type ChannelAdapter,
  type InboundSink,
  type WebhookRequest,
  type WebhookResponse,
} from '../contract';
import { normalizeTelegramUpdate } from './normalize';
import { telegramUpdateSchema, type TelegramUpdate } from './update-schema';
import { toSendError } from './send-errors';

export interface TelegramChannelOptions {
  token: string;
  apiRoot: string;
  mode: 'webhook' | 'polling';
  /** Required in webhook mode; Telegram echoes it in X-Telegram-Bot-Api-Secret-Token. */
  webhookSecret?: string;
  /** Where Telegram should call; set on every start so a changed PUBLIC_URL takes effect. */
  webhookUrl?: string;
  botInfo?: UserFromGetMe;
  /** The longest one send to a customer may take (default 20 s; grammY's own is 500 s). */
  sendTimeoutMs?: number;
  /**
   * Polling: how often one update is tried before it is logged and skipped (default 5), and the
   * wait before the first retry, doubled for each next one (default 500 ms).
   */
  pollingRetry?: { tries?: number; firstDelayMs?: number };
  onError(error: unknown): void;
}

/** Reported through `onError` when polling gives up on an update that kept failing. */
export class TelegramUpdateSkipped extends Error {
  constructor(
    readonly updateId: number,
    readonly tries: number,
    options: { cause: unknown },
  ) {
    super(`Telegram update ${updateId} skipped after ${tries} failed tries`, options);
    this.name = 'TelegramUpdateSkipped';
  }
}

export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram/customer';
/** Telegram allows about one message a second to one private chat. */
const PER_CHAT_INTERVAL_MS = 1000;
/** …and about 30 a second from one bot to all chats together. */
const PER_SECOND = 30;
const CAPTION_LIMIT = 1024;
/** How often polling tries one update before it skips it (see `storeWithRetries`). */
const POLLING_TRIES = 5;
/**
 * Well inside the outbox's lease (wiring/messaging.ts), and long enough for a file the Bot API
 * fetches from the hub. Only sends use it: long polling waits 30 s per call by design.
 */
const SEND_TIMEOUT_MS = 20_000;

/** The bot customers write to: a separate bot (and token) from the managers' one. */
export function createTelegramChannel(options: TelegramChannelOptions): ChannelAdapter {
  const bot = new Bot(options.token, {
    client: { apiRoot: options.apiRoot },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  // Sends go through a client of their own with a short timeout, so a hung call gives up and
  // the outbox can retry it, instead of holding that chat for grammY's default 500 s.
  const sendApi = new Api(options.token, {
    apiRoot: options.apiRoot,
    timeoutSeconds: Math.max(1, Math.ceil((options.sendTimeoutMs ?? SEND_TIMEOUT_MS) / 1000)),
  });
  let sink: InboundSink | undefined;

  const receive = async (update: TelegramUpdate) => {
    const message = normalizeTelegramUpdate(update);
    if (message) await sink!(message);
  };

  const webhook = {
    path: TELEGRAM_WEBHOOK_PATH,
    async handle(request: WebhookRequest): Promise<WebhookResponse> {
      if (!secretMatches(headerValue(request, 'x-telegram-bot-api-secret-token'), options)) {
        return { status: 401, body: { error: 'bad_secret_token' } };
      }
      // Not started yet: Telegram delivers again later, nothing is lost.
      if (!sink) return { status: 503, body: { error: 'starting' } };
      // Refused before anything is stored: a wrong-typed id must not become a key or a filter.
      const parsed = telegramUpdateSchema.safeParse(parseJsonBody(request));
      if (!parsed.success) return { status: 400, body: { error: 'malformed_update' } };
      await receive(parsed.data);
      return { status: 200, body: { ok: true } };
    },
  };

  return {
    id: 'telegram',
    perChatIntervalMs: PER_CHAT_INTERVAL_MS,
    perSecond: PER_SECOND,
    ...(options.mode === 'webhook' ? { webhook } : {}),

    async start(next) {
      sink = next;
      if (options.mode === 'webhook') {
        if (!options.webhookUrl) return;
        // An unreachable Telegram must not stop the hub: the webhook set last time still works.
        await bot.api
          .setWebhook(options.webhookUrl, {
            secret_token: options.webhookSecret!,
            allowed_updates: ['message', 'edited_message'],
          })
          .catch(options.onError);
        return;
      }
      const retry = { tries: POLLING_TRIES, firstDelayMs: 500, ...options.pollingRetry };
      bot.on(['message', 'edited_message'], (ctx) =>
        storeWithRetries(() => receive(ctx.update), ctx.update.update_id, retry, options.onError),
      );
      bot.catch((error) => options.onError(error.error));
      void bot.start({ allowed_updates: ['message', 'edited_message'] }).catch(options.onError);
    },

    async stop() {
      if (bot.isRunning()) await bot.stop();
    },

    async fetchFile(fileRef) {
      const { file_path: filePath } = await bot.api.getFile(fileRef);
      if (!filePath) throw new Error('Telegram gave no path for the file');
      return fetchUrl(`${options.apiRoot}/file/bot${options.token}/${filePath}`);
    },

    async send(chatId, message) {
      try {
        const [first, ...rest] = message.attachments;
        // One message when possible: a file with the text as its caption.
        const caption = message.text && message.text.length <= CAPTION_LIMIT ? message.text : '';
        const ids: number[] = [];
        if (message.text && !(first && caption)) {
          ids.push((await sendApi.sendMessage(chatId, message.text)).message_id);
        }
        if (first) ids.push(await sendFile(sendApi, chatId, first, caption || undefined));
        for (const attachment of rest) ids.push(await sendFile(sendApi, chatId, attachment));
        return { externalId: `${chatId}:${ids[0]}` };
      } catch (error) {
        throw toSendError(error);
      }
    },
  };
}

function secretMatches(given: string | undefined, options: TelegramChannelOptions): boolean {
  const expected = Buffer.from(options.webhookSecret ?? '');
  const actual = Buffer.from(given ?? '');
  return (
    expected.length > 0 && actual.length === expected.length && timingSafeEqual(actual, expected)
  );
}

async function sendFile(
  api: Api,
  chatId: string,
  attachment: OutboundAttachment,
  caption?: string,
): Promise<number> {
  const file = new InputFile(new URL(attachment.url), attachment.name);
  const extra = caption ? { caption } : {};
  const sent =
    attachment.kind === 'photo'
      ? await api.sendPhoto(chatId, file, extra)
      : await api.sendDocument(chatId, file, extra);
  return sent.message_id;
}

/**
 * In polling mode an update counts as handled once the middleware returns, so a passing failure
 * (a database outage) holds the update, and the chat behind it, for a few tries with a growing
 * wait (0.5 + 1 + 2 + 4 s by default) rather than skipping it at once. One that still fails is
 * reported and skipped, so a poison update cannot hold the chat and the bot for ever.
 */
async function storeWithRetries(
  work: () => Promise<void>,
  updateId: number,
  retry: { tries: number; firstDelayMs: number },
  onError: (error: unknown) => void,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= retry.tries) {
        onError(new TelegramUpdateSkipped(updateId, attempt, { cause: error }));
        return;
      }
      onError(error);
      const delay = Math.min(30_000, retry.firstDelayMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
