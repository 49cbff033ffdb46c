import type { ProcessError } from '../../src/app/process/errors';
import type { ManagerContext } from './context';
import { text } from './render';

/** A refusal is explained in the chat, and in an alert for a button; nothing changes. */
export async function refuse(ctx: ManagerContext, error: ProcessError): Promise<void> {
  const fields = error.missing.map((field) => text(field.title, ctx.lng)).join(', ');
  const reason = ctx.t(`bot:errors.${error.code}`, { fields });
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: reason, show_alert: true });
  await ctx.reply(reason);
}
