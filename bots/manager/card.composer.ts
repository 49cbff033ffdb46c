import { Composer, InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { Actor } from '../../src/app/process/actor';
import { ProcessError } from '../../src/app/process/errors';
import type { RecordCard } from '../../src/app/process/record-card';
import type { TaskSubject } from '../../src/domain/task';
import type { ManagerBotDeps, ManagerContext } from './context';
import { refuse } from './refuse';
import { callbacks, text } from './render';

function renderCard(card: RecordCard, t: TFunction, lng: 'ru' | 'en') {
  const who = [card.contact, card.company && `(${card.company})`].filter(Boolean).join(' ') || '—';
  const people = card.responsibles
    .map(({ slot, user }) => `${t(`bot:card.slots.${slot}`)}: ${user.name}`)
    .join(' · ');
  const lines = [
    t('bot:card.title', { kind: t(`bot:find.kinds.${card.record.subject.kind}`), who }),
    t('bot:card.stage', { stage: text(card.stage.title, lng) }),
    people || t('bot:card.nobody'),
    card.missing.length > 0
      ? t('bot:card.missing', { fields: card.missing.map((f) => text(f.title, lng)).join(', ') })
      : t('bot:card.complete'),
    t('bot:card.tasks', { tasks: t('tasks.count', { count: card.openTasks.length }) }),
  ];
  const keyboard = new InlineKeyboard();
  // Closing as lost or junk needs a reason, which a button cannot carry.
  for (const stage of card.moves.filter((s) => s.kind !== 'lost' && s.kind !== 'junk')) {
    keyboard
      .text(
        t('bot:card.moveTo', { stage: text(stage.title, lng) }),
        callbacks.move(card.record.subject, stage.id),
      )
      .row();
  }
  return { text: lines.join('\n'), keyboard };
}

/** The lead or deal card and its stage buttons (only the moves declared from this stage). */
export function cardComposer(deps: ManagerBotDeps): Composer<ManagerContext> {
  const composer = new Composer<ManagerContext>();
  const actor = (ctx: ManagerContext): Actor => ({ kind: 'user', user: ctx.staff! });
  const subjectOf = (kind: string, id: string): TaskSubject => ({
    kind: kind as 'lead' | 'deal',
    id,
  });

  const show = async (ctx: ManagerContext, subject: TaskSubject, edit: boolean) => {
    const card = renderCard(await deps.cards.card(subject, actor(ctx)), ctx.t, ctx.lng);
    await ctx.answerCallbackQuery();
    if (edit) await ctx.editMessageText(card.text, { reply_markup: card.keyboard });
    else await ctx.reply(card.text, { reply_markup: card.keyboard });
  };

  composer.callbackQuery(/^c:(lead|deal):([0-9a-f]{24})$/, async (ctx) => {
    try {
      await show(ctx, subjectOf(ctx.match[1]!, ctx.match[2]!), false);
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      await refuse(ctx, error);
    }
  });

  composer.callbackQuery(/^m:(lead|deal):([0-9a-f]{24}):([a-z0-9_]+)$/, async (ctx) => {
    const subject = subjectOf(ctx.match[1]!, ctx.match[2]!);
    try {
      await deps.engine.moveStage(subject, ctx.match[3]!, actor(ctx));
      await show(ctx, subject, true);
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      await refuse(ctx, error);
    }
  });
  return composer;
}
