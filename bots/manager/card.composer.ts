import { Composer, InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { Actor } from '../../src/app/process/actor';
import { ProcessError } from '../../src/app/process/errors';
import type { CompanyCard, ContactCard } from '../../src/app/process/people-cards';
import type { RecordCard } from '../../src/app/process/record-card';
import type { TaskSubject } from '../../src/domain/task';
import type { ManagerBotDeps, ManagerContext } from './context';
import type { Prompts } from './prompts';
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
  for (const field of card.missing) {
    keyboard
      .text(
        t('bot:card.fill', { field: text(field.title, lng) }),
        callbacks.fill(card.record.subject, field.field),
      )
      .row();
  }
  keyboard.text(t('bot:people.contactButton'), callbacks.contact(card.record.contactId)).row();
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

function renderContact(card: ContactCard, t: TFunction) {
  const { contact, company } = card;
  const lines = [
    t('bot:people.contactTitle', { name: contact.name ?? '—' }),
    t('bot:people.phones', { phones: contact.phones.join(', ') || '—' }),
    t('bot:people.emails', { emails: contact.emails.join(', ') || '—' }),
    t('bot:people.channels', {
      channels:
        [...new Set(contact.identities.map((identity) => identity.channel))].join(', ') || '—',
    }),
    t('bot:people.company', { company: company?.name ?? '—' }),
    t('bot:people.open', { count: card.openRecords }),
  ];
  const keyboard = new InlineKeyboard();
  if (company) keyboard.text(t('bot:people.companyButton'), callbacks.company(company.id));
  return { text: lines.join('\n'), keyboard };
}

function renderCompany(card: CompanyCard, t: TFunction) {
  const { company } = card;
  const lines = [
    t('bot:people.companyTitle', { name: company.name }),
    t('bot:people.taxId', { taxId: company.taxId ?? '—' }),
    t('bot:people.contacts', {
      contacts: card.contacts.map((c) => c.name ?? '—').join(', ') || '—',
    }),
    t('bot:people.open', { count: card.openRecords }),
  ];
  return { text: lines.join('\n') };
}

/** The lead or deal card and its stage buttons (only the moves declared from this stage). */
export function cardComposer(deps: ManagerBotDeps, prompts: Prompts): Composer<ManagerContext> {
  const composer = new Composer<ManagerContext>();
  const actor = (ctx: ManagerContext): Actor => ({ kind: 'user', user: ctx.staff! });
  const subjectOf = (kind: string, id: string): TaskSubject => ({
    kind: kind as 'lead' | 'deal',
    id,
  });

  /** Runs a button's work; a refusal from the use cases is explained, anything else is thrown. */
  const guarded =
    <C extends ManagerContext>(work: (ctx: C) => Promise<unknown>) =>
    async (ctx: C) => {
      try {
        await work(ctx);
      } catch (error) {
        if (!(error instanceof ProcessError)) throw error;
        await refuse(ctx, error);
      }
    };

  const show = async (ctx: ManagerContext, subject: TaskSubject, edit: boolean) => {
    const card = renderCard(await deps.cards.card(subject, actor(ctx)), ctx.t, ctx.lng);
    await ctx.answerCallbackQuery();
    if (edit) await ctx.editMessageText(card.text, { reply_markup: card.keyboard });
    else await ctx.reply(card.text, { reply_markup: card.keyboard });
  };

  composer.callbackQuery(
    /^c:(lead|deal):([0-9a-f]{24})$/,
    guarded(async (ctx) => {
      await show(ctx, subjectOf(ctx.match[1]!, ctx.match[2]!), false);
    }),
  );

  composer.callbackQuery(
    /^k:([0-9a-f]{24})$/,
    guarded(async (ctx) => {
      const card = renderContact(await deps.people.contact(ctx.match[1]!, actor(ctx)), ctx.t);
      await ctx.answerCallbackQuery();
      await ctx.reply(card.text, { reply_markup: card.keyboard });
    }),
  );

  composer.callbackQuery(
    /^co:([0-9a-f]{24})$/,
    guarded(async (ctx) => {
      const card = renderCompany(await deps.people.company(ctx.match[1]!, actor(ctx)), ctx.t);
      await ctx.answerCallbackQuery();
      await ctx.reply(card.text);
    }),
  );

  composer.callbackQuery(
    /^m:(lead|deal):([0-9a-f]{24}):([a-z0-9_]+)$/,
    guarded(async (ctx) => {
      const subject = subjectOf(ctx.match[1]!, ctx.match[2]!);
      await deps.engine.moveStage(subject, ctx.match[3]!, actor(ctx));
      await show(ctx, subject, true);
    }),
  );
  composer.callbackQuery(
    /^f:(lead|deal):([0-9a-f]{24}):([a-zA-Z0-9_]+)$/,
    guarded(async (ctx) => {
      const subject = subjectOf(ctx.match[1]!, ctx.match[2]!);
      const card = await deps.cards.card(subject, actor(ctx));
      const field = card.stage.requires.find((required) => required.field === ctx.match[3]);
      if (!field) throw new ProcessError('invalid_field');
      await ctx.answerCallbackQuery();
      await prompts.ask(
        ctx,
        ctx.t(field.kind === 'file' ? 'bot:card.askFile' : 'bot:card.askValue', {
          field: text(field.title, ctx.lng),
        }),
        { kind: 'field', subject, field: field.field, fieldKind: field.kind },
      );
    }),
  );

  composer.on('message', async (ctx, next) => {
    const answer = prompts.answered(ctx, 'field');
    if (!answer) return next();
    const prompt = answer.pending;
    const { document, photo, text: typed } = ctx.message;
    const file = document
      ? { fileRef: document.file_id, ...(document.file_name ? { name: document.file_name } : {}) }
      : photo?.length
        ? { fileRef: photo[photo.length - 1]!.file_id }
        : undefined;
    const value = prompt.fieldKind === 'file' ? file : typed?.trim();
    if (!value)
      return ctx.reply(
        ctx.t(prompt.fieldKind === 'file' ? 'bot:card.needFile' : 'bot:card.needValue'),
      );
    try {
      await deps.engine.fillFields(prompt.subject, { [prompt.field]: value }, actor(ctx));
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      return ctx.reply(ctx.t(`bot:errors.${error.code}`, { fields: '' }));
    }
    answer.settle();
    const card = renderCard(await deps.cards.card(prompt.subject, actor(ctx)), ctx.t, ctx.lng);
    await ctx.reply(ctx.t('bot:card.saved'));
    await ctx.reply(card.text, { reply_markup: card.keyboard });
  });

  return composer;
}
