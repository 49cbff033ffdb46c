import type { Context } from 'grammy';
import { readWhen } from '../../src/domain/when';
import { CALENDAR_PRESS } from './calendar';
import type { Dialog, ManagerBotDeps } from './context';
import { asStaff, nextAnswerOrPress, speaking, type Press } from './dialog';
import { formatDate } from './render';
import { answerCalendarPress, calendarFor, offsetWords, type WhenQuestion } from './when-question';

export const PICK_DUE = 'pick-due';

export interface PickDueArgs {
  taskId: string;
}

/**
 * "📆 Pick a date" on a task card: asks when, reads the answer in words ("завтра в 12",
 * "friday 3pm") in the company's time zone or takes a day and hour from the calendar, and
 * postpones through the same use case as the other postpone buttons. An unreadable or past time
 * is explained and asked again; /cancel keeps the task as it is.
 */
export function pickDueDialog(deps: ManagerBotDeps) {
  return async (conversation: Dialog, ctx: Context, { taskId }: PickDueArgs) => {
    const { t, lng } = await speaking(conversation, deps);
    const now = new Date(await conversation.external(() => deps.clock.now().getTime()));
    const when: WhenQuestion = {
      text: t('fields:due.ask', { offset: offsetWords(now, deps.timeZone) }),
      t,
      lng,
      timeZone: deps.timeZone,
      now,
      futureOnly: true,
    };
    const questions: number[] = [];
    const ask = async (question: string) =>
      questions.push((await ctx.reply(question, { reply_markup: calendarFor(when) })).message_id);
    await ask(when.text);
    for (;;) {
      const answer = await nextAnswerOrPress(conversation, questions, CALENDAR_PRESS);
      if (!answer) return ctx.reply(t('bot:dialog.cancelled'));
      let picked: Date | undefined;
      if ('callback_query' in answer.update) {
        picked = await answerCalendarPress(answer as Press, when);
        if (!picked) continue;
      }
      const typed = answer.message?.text ?? '';
      // Read inside the step so a replay gets the same "now" the answer was read with.
      const outcome = await asStaff(conversation, async (actor) => {
        const due = picked ?? readWhen(typed, deps.clock.now(), deps.timeZone);
        if (!due) return undefined;
        const task = await deps.engine.postponeTask(taskId, due, actor);
        return formatDate(task.due, lng, deps.timeZone);
      });
      if ('refused' in outcome) {
        const reason = t(`bot:errors.${outcome.refused}`, { fields: '' });
        if (outcome.refused !== 'invalid_date') return ctx.reply(reason);
        await ask(t('bot:dialog.retry', { reason }));
      } else if (outcome.done === undefined) {
        await ask(t('fields:due.bad'));
      } else {
        return ctx.reply(t('bot:task.postponed', { due: outcome.done }));
      }
    }
  };
}
