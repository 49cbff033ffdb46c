import { randomBytes } from 'node:crypto';
import type { ChatCommand, ChatFile, ChatLog } from './chat-log';
import { objectField, type FormValue } from './multipart';
import {
  botUser,
  sentMessage,
  toButtons,
  type BotName,
  type Json,
  type RawButton,
} from './bot-api-shapes';

export interface StoredFile {
  name: string;
  mimeType: string;
  data: Buffer;
}

/**
 * The Bot API methods the hub's bots call, other than `getUpdates`: each one writes what a person
 * would see into the chat log (a message, an edit, a toast, the command menu) and answers as
 * Telegram does.
 */
export class BotApiMethods {
  /** Button presses not answered yet, so an answer's toast shows in the chat it came from. */
  readonly callbacks = new Map<string, { bot: BotName; chatId: string }>();
  private readonly files = new Map<string, StoredFile>();

  constructor(
    private readonly log: ChatLog,
    private readonly tokens: Record<BotName, string>,
    /** Where the page fetches a stored file by its id. */
    private readonly fileUrl: (id: string) => string,
  ) {}

  file(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  reset(): void {
    this.callbacks.clear();
    this.files.clear();
  }

  me(bot: BotName) {
    return botUser(bot, this.tokens[bot]);
  }

  /** One Bot API method; `undefined` when the message it names does not exist. */
  call(bot: BotName, method: string, fields: Json): unknown {
    const chatId = fields.chat_id === undefined ? undefined : String(fields.chat_id);
    switch (method) {
      case 'getMe':
        return this.me(bot);
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument':
        return chatId === undefined ? undefined : this.send(bot, chatId, method, fields);
      case 'editMessageText':
      case 'editMessageCaption':
      case 'editMessageReplyMarkup': {
        if (chatId === undefined) return undefined;
        const text = (fields.text ?? fields.caption) as string | undefined;
        const markup = objectField<{ inline_keyboard?: RawButton[][] }>(fields.reply_markup);
        const edited = this.log.edit(bot, chatId, Number(fields.message_id), {
          ...(text !== undefined ? { text } : {}),
          // New text brings its own entities, or none, as in Telegram.
          ...(text !== undefined
            ? { entities: objectField<unknown[]>(fields.entities) ?? [] }
            : {}),
          buttons: toButtons(markup),
        });
        return edited ? sentMessage(this.me(bot), edited.id, chatId, edited.text) : undefined;
      }
      case 'deleteMessage':
        return chatId === undefined
          ? undefined
          : this.log.remove(bot, chatId, Number(fields.message_id)) || undefined;
      case 'answerCallbackQuery': {
        const origin = this.callbacks.get(String(fields.callback_query_id));
        this.callbacks.delete(String(fields.callback_query_id));
        if (origin && typeof fields.text === 'string' && fields.text) {
          this.log.alert(
            origin.bot,
            origin.chatId,
            fields.text,
            String(fields.show_alert) === 'true',
          );
        }
        return true;
      }
      case 'setMyCommands':
      case 'deleteMyCommands': {
        const scope = objectField<{ type?: string; chat_id?: number }>(fields.scope);
        const target = scope?.type === 'chat' ? String(scope.chat_id) : '*';
        const commands =
          method === 'setMyCommands' ? (objectField<ChatCommand[]>(fields.commands) ?? []) : [];
        this.log.setCommands(bot, target, commands);
        return true;
      }
      case 'getFile':
        return {
          file_id: fields.file_id,
          file_unique_id: fields.file_id,
          file_path: `files/${String(fields.file_id)}`,
        };
      default:
        // setWebhook, deleteWebhook, sendChatAction and the like change nothing a person sees.
        return true;
    }
  }

  private send(bot: BotName, chatId: string, method: string, fields: Json) {
    const markup = objectField<{ inline_keyboard?: RawButton[][]; force_reply?: boolean }>(
      fields.reply_markup,
    );
    const replyTo =
      objectField<{ message_id?: number }>(fields.reply_parameters)?.message_id ??
      (fields.reply_to_message_id === undefined ? undefined : Number(fields.reply_to_message_id));
    const text = (method === 'sendMessage' ? fields.text : fields.caption) as string | undefined;
    const entities = objectField<unknown[]>(fields.entities ?? fields.caption_entities);
    const file =
      method === 'sendPhoto'
        ? this.keep('photo', fields.photo as FormValue)
        : method === 'sendDocument'
          ? this.keep('document', fields.document as FormValue)
          : undefined;
    const stored = this.log.add({
      service: bot,
      chatId,
      from: 'bot',
      ...(text ? { text } : {}),
      ...(entities ? { entities } : {}),
      ...(file ? { file } : {}),
      ...(replyTo ? { replyTo } : {}),
      buttons: toButtons(markup),
      ...(markup?.force_reply ? { forceReply: true } : {}),
    });
    return sentMessage(this.me(bot), stored.id, chatId, stored.text);
  }

  /** A file the bot sent: its bytes kept for the page, or a link when it sent a URL. */
  private keep(kind: ChatFile['kind'], value: FormValue | undefined): ChatFile | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string') {
      return { kind, name: value.split('/').pop() ?? value, url: value };
    }
    const id = randomBytes(8).toString('hex');
    this.files.set(id, { name: value.fileName, mimeType: value.mimeType, data: value.data });
    return { kind, name: value.fileName, url: this.fileUrl(id) };
  }
}
