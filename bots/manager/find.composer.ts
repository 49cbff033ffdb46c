import { Composer } from 'grammy';
import type { ManagerBotDeps, StaffMemberContext } from './context';
import { dealTypeTitle, recordName } from './record-label';
import { text } from './render';

/** `/find <name, phone, email, company or №number>` among the records I may see. */
export function findComposer(deps: ManagerBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  composer.command('find', async (ctx) => {
    const query = ctx.match.trim();
    if (query.length < 2 && !/^\d$/.test(query)) return ctx.reply(ctx.t('bot:find.usage'));
    const hits = await deps.find(ctx.staff, query);
    if (hits.length === 0) return ctx.reply(ctx.t('bot:find.none'));
    const lines = hits.map((hit) =>
      ctx.t('bot:find.line', {
        kind: recordName(
          hit.record,
          ctx.t,
          hit.record.subject.kind === 'deal'
            ? dealTypeTitle(deps.naming, hit.record.pipeline, ctx.lng)
            : '',
        ),
        name: [hit.contactName, hit.companyName].filter(Boolean).join(', ') || '—',
        stage: text(hit.stageTitle, ctx.lng),
      }),
    );
    await ctx.reply([ctx.t('bot:find.header', { count: hits.length }), ...lines].join('\n'));
  });
  return composer;
}
