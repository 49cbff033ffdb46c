import type { Context, Filter } from 'grammy';
import type { TFunction } from 'i18next';
import type { StaffMember } from '../../src/app/process/actor';
import { ProcessError, type ProcessErrorCode } from '../../src/app/process/errors';
import type { Dialog, ManagerBotDeps, ManagerContext } from './context';

export type Answer = Filter<Context, 'message'>;

/** A use case's result, or the code it refused with; plain data, so a replay can restore it. */
export type Outcome<R> = { done: R } | { refused: ProcessErrorCode };

/** Starts a dialog; a new button press replaces one still waiting for its answer. */
export async function startDialog(ctx: ManagerContext, id: string, args: object): Promise<void> {
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(id, args);
}

/** The language of the person who opened the dialog, fixed for the dialog's life. */
export async function speaking(
  conversation: Dialog,
  deps: ManagerBotDeps,
): Promise<{ t: TFunction; lng: 'ru' | 'en' }> {
  const lng = await conversation.external((outside) => outside.lng);
  return { t: deps.translate(lng), lng };
}

/**
 * The person's next message in this chat, or undefined after /cancel. Buttons and replies to
 * other messages (a client's card, the problem question) go on to the rest of the bot, so a
 * dialog never swallows them; any other command ends the dialog and runs as usual.
 */
export async function nextAnswer(
  conversation: Dialog,
  questions: number[],
): Promise<Answer | undefined> {
  return answerIn(conversation, await conversation.wait(), questions);
}

export type Press = Filter<Context, 'callback_query:data'>;

/**
 * As `nextAnswer`, or a press of one of the questions' own buttons (a calendar, a choice) whose
 * data matches `presses`; any other button goes on to the rest of the bot.
 */
export async function nextAnswerOrPress(
  conversation: Dialog,
  questions: number[],
  presses: RegExp,
): Promise<Answer | Press | undefined> {
  const ctx = await conversation.wait();
  if (!ctx.has('callback_query:data')) return answerIn(conversation, ctx, questions);
  const on = ctx.callbackQuery.message?.message_id;
  if (on !== undefined && questions.includes(on) && presses.test(ctx.callbackQuery.data))
    return ctx;
  return conversation.skip({ next: true });
}

async function answerIn(
  conversation: Dialog,
  ctx: Context,
  questions: number[],
): Promise<Answer | undefined> {
  const repliedTo = ctx.message?.reply_to_message?.message_id;
  if (!ctx.has('message') || (repliedTo !== undefined && !questions.includes(repliedTo)))
    return conversation.skip({ next: true });
  if (ctx.hasCommand('cancel')) return undefined;
  if (ctx.entities('bot_command').some((command) => command.offset === 0))
    return conversation.halt({ next: true });
  return ctx;
}

/**
 * Runs a use case as the person behind the current update, re-read from the store by
 * `identify`: rights are checked when the answer is saved, not when the dialog began.
 */
export function asStaff<R>(
  conversation: Dialog,
  work: (actor: StaffMember) => Promise<R>,
): Promise<Outcome<R>> {
  return conversation.external(async (outside): Promise<Outcome<R>> => {
    try {
      return { done: await work({ kind: 'user', user: outside.staff }) };
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      return { refused: error.code };
    }
  });
}
