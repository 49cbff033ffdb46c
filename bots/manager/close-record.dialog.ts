import { InlineKeyboard, type Context } from 'grammy';
import type { Stage } from '../../src/domain/process/definition';
import type { TaskSubject } from '../../src/domain/task';
import { renderCard } from './card.render';
import type { Dialog, ManagerBotDeps } from './context';
import { asStaff, nextAnswerOrPress, speaking, type Answer, type Press } from './dialog';
import { text } from './render';

export const CLOSE_RECORD = 'close-record';

export interface CloseRecordArgs {
  subject: TaskSubject;
  /** The lost or junk stage, as much of it as the question needs. */
  stage: Pick<Stage, 'id' | 'kind' | 'title' | 'reasons'>;
}

/** A ready reason's button carries its place in the stage's list. */
const REASON_PRESS = /^zr:(\d+)$/;

/**
 * "🗑 Junk" / "❌ Lost" on a card: asks why, with the definition's ready reasons as buttons and
 * any typed text taken as well, then closes through the engine (which checks the rights again)
 * and shows the closed card with its reason. /cancel leaves the record as it was.
 */
export function closeRecordDialog(deps: ManagerBotDeps) {
  return async (conversation: Dialog, ctx: Context, { subject, stage }: CloseRecordArgs) => {
    const { t, lng } = await speaking(conversation, deps);
    const title = text(stage.title, lng);
    const question = t('moves:close.ask', { stage: title });
    const keyboard = new InlineKeyboard();
    stage.reasons.forEach((reason, i) => keyboard.text(text(reason.title, lng), `zr:${i}`).row());
    const questions: number[] = [];
    const ask = async (words: string) => {
      const sent = await ctx.reply(
        words,
        stage.reasons.length > 0 ? { reply_markup: keyboard } : {},
      );
      questions.push(sent.message_id);
    };
    await ask(question);
    for (;;) {
      const answer = await nextAnswerOrPress(conversation, questions, REASON_PRESS);
      if (!answer) return ctx.reply(t('bot:dialog.cancelled'));
      const reason =
        'callback_query' in answer.update
          ? await pressed(answer as Press)
          : ((answer as Answer).message.text ?? '').trim();
      if (!reason) {
        await ask(t('moves:close.needText'));
        continue;
      }
      const closed = await asStaff(conversation, async (actor) => {
        await deps.engine.moveStage(subject, stage.id, actor, reason);
        const shown = renderCard(await deps.cards.card(subject, actor), t, lng);
        return { text: shown.text, buttons: shown.keyboard.inline_keyboard };
      });
      if ('refused' in closed) return ctx.reply(t(`bot:errors.${closed.refused}`, { fields: '' }));
      await ctx.reply(t('moves:close.done', { stage: title, reason }));
      return ctx.reply(closed.done.text, {
        reply_markup: { inline_keyboard: closed.done.buttons },
      });
    }

    /** A ready reason, in the presser's language; the question then shows what was chosen. */
    async function pressed(press: Press): Promise<string> {
      await press.answerCallbackQuery();
      const picked = stage.reasons[Number(REASON_PRESS.exec(press.callbackQuery.data)![1])];
      if (!picked) return '';
      await press.editMessageText(`${question}\n✅ ${text(picked.title, lng)}`, {
        reply_markup: new InlineKeyboard(),
      });
      return text(picked.title, lng);
    }
  };
}
