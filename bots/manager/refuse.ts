import type { ProcessError } from '../../src/app/process/errors';
import type { ManagerContext } from './context';
import { text } from './render';

/** A refusal is explained in an alert and in the chat (an alert vanishes); nothing changes. */
export async function refuse(ctx: ManagerContext, error: ProcessError): Promise<void> {
  const fields = error.missing.map((field) => text(field.title, ctx.lng)).join(', ');
  const reason = ctx.t(`bot:errors.${error.code}`, { fields });
  await ctx.answerCallbackQuery({ text: reason, show_alert: true });
  await ctx.reply(reason);
}
