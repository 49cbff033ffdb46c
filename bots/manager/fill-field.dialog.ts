import { InlineKeyboard, type Context } from 'grammy';
import type { TFunction } from 'i18next';
import type { RequiredField } from '../../src/domain/process/definition';
import {
  currencySign,
  parseFieldValue,
  type FieldProblem,
  type FileValue,
} from '../../src/domain/process/field-value';
import type { TaskSubject } from '../../src/domain/task';
import { CALENDAR_PRESS } from './calendar';
import { renderCard } from './card.render';
import type { Dialog, ManagerBotDeps } from './context';
import { asStaff, nextAnswerOrPress, speaking, type Answer, type Press } from './dialog';
import { text } from './render';
import { answerCalendarPress, calendarFor, offsetWords, type WhenQuestion } from './when-question';

export const FILL_FIELD = 'fill-field';

export interface FillFieldArgs {
  subject: TaskSubject;
  field: RequiredField;
}

/** The buttons of a choice field carry the option's place in the list. */
const CHOICE_PRESS = /^fv:c:(\d+)$/;
const PRESSES = new RegExp(`${CALENDAR_PRESS.source}|${CHOICE_PRESS.source}`);

/** A file field keeps the Telegram file id; the largest size of a photo. */
function fileOf({ message }: Answer): FileValue | undefined {
  const { document, photo } = message;
  if (document)
    return {
      fileRef: document.file_id,
      ...(document.file_name ? { name: document.file_name } : {}),
    };
  const largest = photo?.at(-1);
  return largest ? { fileRef: largest.file_id } : undefined;
}

/** The question for each type: a file, a value, a phone or an email, a moment, an option. */
function questionOf(field: RequiredField, t: TFunction, lng: 'ru' | 'en', offset: string) {
  const name = text(field.title, lng);
  switch (field.type) {
    case 'file':
      return t('bot:card.askFile', { field: name });
    case 'number':
    case 'text':
      return t('bot:card.askValue', { field: name });
    case 'money':
      return t('fields:ask.money', { field: name, currency: currencySign(field.currency) });
    case 'phone':
    case 'email':
    case 'choice':
      return t(`fields:ask.${field.type}`, { field: name });
    case 'date':
      return t('fields:ask.date', { field: name, offset });
  }
}

/** Why the answer does not fit, and what to send instead. */
function reaskOf(problem: FieldProblem, field: RequiredField, t: TFunction, lng: 'ru' | 'en') {
  switch (problem) {
    case 'not_file':
      return t('bot:card.needFile');
    case 'not_text':
      return t('bot:card.needValue');
    case 'not_choice':
      return t('fields:reask.choice', {
        choices: (field.choices ?? []).map((choice) => text(choice.title, lng)).join(', '),
      });
    case 'not_number':
    case 'not_money':
    case 'not_phone':
    case 'not_email':
    case 'not_date':
      return t(`fields:reask.${problem.slice('not_'.length)}`);
  }
}

function choiceButtons(field: RequiredField, lng: 'ru' | 'en'): InlineKeyboard | undefined {
  if (!field.choices) return undefined;
  const keyboard = new InlineKeyboard();
  field.choices.forEach((choice, i) => keyboard.text(text(choice.title, lng), `fv:c:${i}`).row());
  return keyboard;
}

/**
 * "✏️ <field>" on a record card: asks for the value as the field's type wants it (a date typed in
 * words or picked in a calendar, an option from buttons, a file as a file), reads it with the
 * same parser the records API uses, saves it through the engine and shows the card again. An
 * answer that does not fit is explained and asked again; /cancel stops with nothing saved.
 */
export function fillFieldDialog(deps: ManagerBotDeps) {
  return async (conversation: Dialog, ctx: Context, { subject, field }: FillFieldArgs) => {
    const { t, lng } = await speaking(conversation, deps);
    const now = new Date(await conversation.external(() => deps.clock.now().getTime()));
    const reading = { now, timeZone: deps.timeZone };
    const when: WhenQuestion = {
      text: questionOf(field, t, lng, offsetWords(now, deps.timeZone)),
      t,
      lng,
      timeZone: deps.timeZone,
      now,
      futureOnly: false,
    };
    const keyboardFor = () =>
      field.type === 'date' ? calendarFor(when) : choiceButtons(field, lng);
    const questions: number[] = [];
    const ask = async (question: string) => {
      const keyboard = keyboardFor();
      const sent = await ctx.reply(question, keyboard ? { reply_markup: keyboard } : {});
      questions.push(sent.message_id);
    };
    await ask(when.text);
    for (;;) {
      const answer = await nextAnswerOrPress(conversation, questions, PRESSES);
      if (!answer) return ctx.reply(t('bot:dialog.cancelled'));
      const raw =
        'callback_query' in answer.update
          ? await pressed(answer as Press)
          : typed(answer as Answer);
      if (raw === undefined) continue;
      const parsed = parseFieldValue(field, raw, reading);
      if ('problem' in parsed) {
        await ask(reaskOf(parsed.problem, field, t, lng));
        continue;
      }
      const saved = await asStaff(conversation, (actor) =>
        deps.engine.fillFields(subject, { [field.field]: parsed.value }, actor),
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
      await ask(t('bot:dialog.retry', { reason }));
    }

    /** A calendar's hour or a choice's button; undefined while the calendar is only turned. */
    async function pressed(press: Press): Promise<unknown> {
      const choice = CHOICE_PRESS.exec(press.callbackQuery.data);
      if (!choice) return answerCalendarPress(press, when);
      await press.answerCallbackQuery();
      const picked = field.choices?.[Number(choice[1])];
      if (picked)
        await press.editMessageText(`${when.text}\n✅ ${text(picked.title, lng)}`, {
          reply_markup: new InlineKeyboard(),
        });
      return picked?.id ?? '';
    }

    /** A file field takes a file; anything else takes the text (a file there is not text). */
    function typed(message: Answer): unknown {
      return field.type === 'file' ? (fileOf(message) ?? null) : (message.message.text ?? null);
    }
  };
}
