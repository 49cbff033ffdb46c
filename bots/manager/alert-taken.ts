import { GrammyError, InlineKeyboard } from 'grammy';
import type { Task } from '../../src/domain/task';
import type { ManagerBotDeps, StaffMemberContext } from './context';
import { contextOf } from './notice-context';
import { problemAlert } from './problem-alert';
import { callbacks } from './render';

/**
 * A head took a problem: the alert they pressed, and every other copy of it (one per head when
 * there is no heads' group), now says who took it, with only the Card button left, so nobody
 * takes it a second time. Each copy is redrawn in its reader's language.
 */
export async function showTaken(
  ctx: StaffMemberContext,
  deps: ManagerBotDeps,
  task: Task,
): Promise<void> {
  const keyboard = (t: StaffMemberContext['t']) =>
    task.subject
      ? new InlineKeyboard().text(t('bot:buttons.card'), callbacks.card(task.subject))
      : undefined;
  const taken = (t: StaffMemberContext['t']) => t('cards:alert.taken', { name: ctx.staff.name });
  const edit = (chatId: number, messageId: number, text: string, t: StaffMemberContext['t']) => {
    const buttons = keyboard(t);
    return ctx.api
      .editMessageText(chatId, messageId, text, buttons ? { reply_markup: buttons } : {})
      .catch((error: unknown) => {
        // A copy its reader deleted, or one already saying so: nothing left to change.
        if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
      });
  };

  const copies = await deps.alertCopies.ofProblem(task.id);
  const context = copies ? await contextOf(copies.alert, deps.labels) : {};
  const redrawn = (t: StaffMemberContext['t'], lng: 'ru' | 'en') =>
    copies && problemAlert(copies.alert, { ...context, naming: deps.naming }, t, lng).text;

  // The pressed copy keeps the text its reader has (Telegram sends it with the press).
  const pressed = ctx.callbackQuery?.message;
  const shown =
    (pressed && 'text' in pressed ? pressed.text : undefined) ?? redrawn(ctx.t, ctx.lng);
  if (pressed) {
    await edit(
      pressed.chat.id,
      pressed.message_id,
      shown ? `${shown}\n\n${taken(ctx.t)}` : taken(ctx.t),
      ctx.t,
    );
  }

  for (const at of copies?.shownAt ?? []) {
    if (pressed && at.chatId === pressed.chat.id && at.messageId === pressed.message_id) continue;
    const lng = (await deps.staff.identify(at.chatId))?.language ?? deps.defaultLocale;
    const t = deps.translate(lng);
    await edit(at.chatId, at.messageId, `${redrawn(t, lng)}\n\n${taken(t)}`, t);
  }
}
