import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { ReplyTargetPending } from '../../src/app/messaging/staff-reply';
import { ProcessError } from '../../src/app/process/errors';
import type { ManagerBotDeps, StaffMemberContext, StaffFile } from './context';
import type { Prompts } from './prompts';
import { refuse } from './refuse';

/** Telegram lets bots download files up to 20 MB. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/**
 * A reply to the bot's own message this fresh may answer a card whose record is still being
 * written (seconds at most, longer only while the database is down); older, it answers something
 * else and goes on to the other handlers.
 */
const CARD_RECORD_GRACE_SECONDS = 120;

/**
 * Answering a client from Telegram: reply to the client's message card (or press Reply and answer
 * the prompt) with text, a photo or a document. The bot confirms with a "sending…" line that
 * turns into "delivered" or "not delivered" once the outbox knows.
 */
export function replyComposer(
  deps: ManagerBotDeps,
  prompts: Prompts,
): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();

  composer.callbackQuery(/^r:([0-9a-f]{24})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await prompts.ask(ctx, ctx.t('bot:client.replyPrompt'), {
      kind: 'reply',
      conversationId: ctx.match[1]!,
    });
  });

  composer.on('message', async (ctx, next) => {
    const repliedTo = ctx.message.reply_to_message;
    if (!repliedTo) return next();
    const prompt = prompts.answered(ctx, 'reply');
    const ref = `${ctx.chat.id}:${repliedTo.message_id}`;
    const conversationId =
      prompt?.pending.conversationId ?? (await deps.clientCardAt(ref))?.conversationId;
    if (!conversationId) {
      const fresh = ctx.message.date - repliedTo.date < CARD_RECORD_GRACE_SECONDS;
      if (repliedTo.from?.id === ctx.me.id && fresh) throw new ReplyTargetPending(ref);
      return next();
    }

    const text = ctx.message.text ?? ctx.message.caption;
    const file = fileOf(ctx.message);
    if (!text && !file) return ctx.reply(ctx.t('bot:client.empty'));
    if (file?.size && file.size > MAX_FILE_BYTES) return ctx.reply(ctx.t('bot:client.tooBig'));

    // Queued first, under the person's own message as its cause: a redelivered update finds it
    // queued and adds nothing, and a Bot API that refuses the "sending…" line (a 429) cannot
    // stand between the client and the reply.
    let queued: Awaited<ReturnType<ManagerBotDeps['replyToClient']>>;
    try {
      queued = await deps.replyToClient(
        ctx.staff,
        conversationId,
        { ...(text ? { text } : {}), ...(file ? { file } : {}) },
        { chatId: ctx.chat.id, messageId: ctx.message.message_id },
      );
      prompt?.settle();
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      return refuse(ctx, error);
    }
    if (queued.hasReceipt) return;
    // Only a courtesy from here on: the reply is on its way whether or not the line shows.
    const receipt = await ctx
      .reply(ctx.t('bot:client.sending'), {
        reply_parameters: { message_id: ctx.message.message_id },
      })
      .catch(() => undefined);
    if (receipt) {
      await queued.attachReceipt({ chatId: receipt.chat.id, messageId: receipt.message_id });
    }
  });

  return composer;
}

function fileOf(message: Message): StaffFile | undefined {
  const photo = message.photo?.at(-1);
  if (photo) {
    return {
      fileId: photo.file_id,
      kind: 'photo',
      name: 'photo.jpg',
      mimeType: 'image/jpeg',
      ...(photo.file_size ? { size: photo.file_size } : {}),
    };
  }
  const document = message.document;
  if (!document) return undefined;
  return {
    fileId: document.file_id,
    kind: 'document',
    name: document.file_name ?? 'document',
    ...(document.mime_type ? { mimeType: document.mime_type } : {}),
    ...(document.file_size ? { size: document.file_size } : {}),
  };
}
