import { InlineKeyboard } from 'grammy';
import type { ProcessError } from '../../src/app/process/errors';
import type { TaskSubject } from '../../src/domain/task';
import type { ManagerContext } from './context';
import { refuse } from './refuse';
import { callbacks, text } from './render';

/**
 * A refusal for empty required fields comes with a button per field: one press opens the same
 * fill dialog as the card's, so the manager never has to go looking for the card first.
 */
export async function refuseOfferingFill(
  ctx: ManagerContext,
  error: ProcessError,
  subject: TaskSubject | undefined,
): Promise<void> {
  if (error.code !== 'missing_fields' || !subject) return refuse(ctx, error);
  const fields = error.missing.map((field) => text(field.title, ctx.lng)).join(', ');
  if (ctx.callbackQuery)
    await ctx.answerCallbackQuery({
      text: ctx.t('bot:errors.missing_fields', { fields }),
      show_alert: true,
    });
  const keyboard = new InlineKeyboard();
  for (const field of error.missing)
    keyboard
      .text(
        ctx.t('bot:card.fill', { field: text(field.title, ctx.lng) }),
        callbacks.fill(subject, field.field),
      )
      .row();
  await ctx.reply(ctx.t('moves:fill.refused', { fields }), { reply_markup: keyboard });
}
