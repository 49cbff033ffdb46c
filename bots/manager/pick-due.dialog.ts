import type { Context } from 'grammy';
import type { Dialog, ManagerBotDeps } from './context';
import { asStaff, nextAnswer, speaking } from './dialog';
import { parseDue } from './due-date';
import { formatDate } from './render';

export const PICK_DUE = 'pick-due';

export interface PickDueArgs {
  taskId: string;
}

/**
 * "📆 Pick a date" on a task card: asks when, reads it in the company's time zone and postpones
 * through the same use case as the other postpone buttons. An unreadable or past time is
 * explained and asked again; /cancel keeps the task as it is.
 */
export function pickDueDialog(deps: ManagerBotDeps) {
  return async (conversation: Dialog, ctx: Context, { taskId }: PickDueArgs) => {
    const { t, lng } = await speaking(conversation, deps);
    const ask = async (question: string) => (await ctx.reply(question)).message_id;
    const questions = [await ask(t('bot:task.askDue', { zone: deps.timeZone }))];
    for (;;) {
      const answer = await nextAnswer(conversation, questions);
      if (!answer) return ctx.reply(t('bot:dialog.cancelled'));
      const typed = answer.message.text ?? '';
      // Read inside the step so a replay gets the same "now" the answer was read with.
      const outcome = await asStaff(conversation, async (actor) => {
        const due = parseDue(typed, deps.clock.now(), deps.timeZone);
        if (!due) return undefined;
        const task = await deps.engine.postponeTask(taskId, due, actor);
        return formatDate(task.due, lng, deps.timeZone);
      });
      if ('refused' in outcome) {
        const reason = t(`bot:errors.${outcome.refused}`, { fields: '' });
        if (outcome.refused !== 'invalid_date') return ctx.reply(reason);
        questions.push(await ask(t('bot:dialog.retry', { reason })));
      } else if (outcome.done === undefined) {
        questions.push(await ask(t('bot:task.badDue')));
      } else {
        return ctx.reply(t('bot:task.postponed', { due: outcome.done }));
      }
    }
  };
}
