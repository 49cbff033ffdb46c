import { Composer } from 'grammy';
import { ProcessError } from '../../src/app/process/errors';
import type { TaskSubject } from '../../src/domain/task';
import { renderCard, renderCompany, renderContact, splitForTelegram } from './card.render';
import { FULL_TEXT_CALLBACK } from './client-card';
import type { ManagerBotDeps, StaffMemberContext } from './context';
import { startDialog } from './dialog';
import { FILL_FIELD, type FillFieldArgs } from './fill-field.dialog';
import { actorOf, guarded, subjectFrom } from './acting';

/** The lead or deal card and its stage buttons (only the moves declared from this stage). */
export function cardComposer(deps: ManagerBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();

  const show = async (ctx: StaffMemberContext, subject: TaskSubject, edit: boolean) => {
    const card = renderCard(await deps.cards.card(subject, actorOf(ctx)), ctx.t, ctx.lng);
    await ctx.answerCallbackQuery();
    if (edit) await ctx.editMessageText(card.text, { reply_markup: card.keyboard });
    else await ctx.reply(card.text, { reply_markup: card.keyboard });
  };

  composer.callbackQuery(
    /^c:(lead|deal):([0-9a-f]{24})$/,
    guarded(async (ctx) => {
      await show(ctx, subjectFrom(ctx.match[1]!, ctx.match[2]!), false);
    }),
  );

  composer.callbackQuery(
    /^k:([0-9a-f]{24})$/,
    guarded(async (ctx) => {
      const card = renderContact(await deps.people.contact(ctx.match[1]!, actorOf(ctx)), ctx.t);
      await ctx.answerCallbackQuery();
      await ctx.reply(card.text, { reply_markup: card.keyboard });
    }),
  );

  composer.callbackQuery(
    /^co:([0-9a-f]{24})$/,
    guarded(async (ctx) => {
      const card = renderCompany(await deps.people.company(ctx.match[1]!, actorOf(ctx)), ctx.t);
      await ctx.answerCallbackQuery();
      await ctx.reply(card.text);
    }),
  );

  composer.callbackQuery(
    /^m:(lead|deal):([0-9a-f]{24}):([a-z0-9_]+)$/,
    guarded(async (ctx) => {
      const subject = subjectFrom(ctx.match[1]!, ctx.match[2]!);
      await deps.engine.moveStage(subject, ctx.match[3]!, actorOf(ctx));
      await show(ctx, subject, true);
    }),
  );
  composer.callbackQuery(
    /^f:(lead|deal):([0-9a-f]{24}):([a-zA-Z0-9_]+)$/,
    guarded(async (ctx) => {
      const subject = subjectFrom(ctx.match[1]!, ctx.match[2]!);
      const card = await deps.cards.card(subject, actorOf(ctx));
      const field = card.stage.requires.find((required) => required.field === ctx.match[3]);
      if (!field) throw new ProcessError('invalid_field');
      await ctx.answerCallbackQuery();
      const args: FillFieldArgs = { subject, field };
      await startDialog(ctx, FILL_FIELD, args);
    }),
  );

  // A client's card cut to Telegram's limit: the whole text follows as replies to it, in parts
  // that each fit. The card pressed names the message, so only someone it was shown to can ask.
  composer.callbackQuery(FULL_TEXT_CALLBACK, async (ctx) => {
    const card = ctx.callbackQuery.message;
    const found =
      card && (await deps.clientCardAt(`${card.chat.id}:${card.message_id}`, { withText: true }));
    if (!card || !found?.text) {
      await ctx.answerCallbackQuery({ text: ctx.t('bot:client.fullTextGone') });
      return;
    }
    await ctx.answerCallbackQuery();
    for (const part of splitForTelegram(found.text)) {
      await ctx.api.sendMessage(card.chat.id, part, {
        reply_parameters: { message_id: card.message_id, allow_sending_without_reply: true },
      });
    }
  });

  return composer;
}
