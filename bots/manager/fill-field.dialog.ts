import type { Context } from 'grammy';
import type { RequiredField } from '../../src/domain/process/definition';
import type { TaskSubject } from '../../src/domain/task';
import { renderCard } from './card.render';
import type { Dialog, ManagerBotDeps } from './context';
import { asStaff, nextAnswer, speaking, type Answer } from './dialog';
import { text } from './render';

export const FILL_FIELD = 'fill-field';

export interface FillFieldArgs {
  subject: TaskSubject;
  field: RequiredField;
}

/** A file field keeps the Telegram file id; the largest size of a photo. */
function fileOf({ message }: Answer): { fileRef: string; name?: string } | undefined {
  const { document, photo } = message;
  if (document)
    return {
      fileRef: document.file_id,
      ...(document.file_name ? { name: document.file_name } : {}),
    };
  const largest = photo?.at(-1);
  return largest ? { fileRef: largest.file_id } : undefined;
}

/**
 * "✏️ <field>" on a record card: asks for the value (or the file), saves it through the engine,
 * and shows the card again. A wrong kind of answer or a refused value is explained and asked
 * again; /cancel stops with nothing saved.
 */
export function fillFieldDialog(deps: ManagerBotDeps) {
  return async (conversation: Dialog, ctx: Context, { subject, field }: FillFieldArgs) => {
    const { t, lng } = await speaking(conversation, deps);
    const isFile = field.kind === 'file';
    const ask = async (question: string) => (await ctx.reply(question)).message_id;
    const questions = [
      await ask(
        t(isFile ? 'bot:card.askFile' : 'bot:card.askValue', { field: text(field.title, lng) }),
      ),
    ];
    for (;;) {
      const answer = await nextAnswer(conversation, questions);
      if (!answer) return ctx.reply(t('bot:dialog.cancelled'));
      const value = isFile ? fileOf(answer) : answer.message.text?.trim();
      if (!value) {
        questions.push(await ask(t(isFile ? 'bot:card.needFile' : 'bot:card.needValue')));
        continue;
      }
      const saved = await asStaff(conversation, (actor) =>
        deps.engine.fillFields(subject, { [field.field]: value }, actor),
      );
      if ('done' in saved) {
        await ctx.reply(t('bot:card.saved'));
        const card = await asStaff(conversation, async (actor) => {
          const shown = renderCard(await deps.cards.card(subject, actor), t, lng);
          return { text: shown.text, buttons: shown.keyboard.inline_keyboard };
        });
        if ('done' in card)
          await ctx.reply(card.done.text, { reply_markup: { inline_keyboard: card.done.buttons } });
        return;
      }
      const reason = t(`bot:errors.${saved.refused}`, { fields: '' });
      // Only the value itself can be wrong in a way another answer fixes.
      if (saved.refused !== 'invalid_field') return ctx.reply(reason);
      questions.push(await ask(t('bot:dialog.retry', { reason })));
    }
  };
}
