import { Composer } from 'grammy';
import type { TFunction } from 'i18next';
import type { Router } from '../../src/app/routing/router';
import type { RuleEditor } from '../../src/app/routing/rule-editor';
import { RoutingError, type RoutingProblem } from '../../src/app/routing/routing-error';
import { CHANNELS, type Channel } from '../../src/domain/channel';
import { UTM_KEYS, type Utm } from '../../src/domain/lead';
import type { AuditEvent } from '../../src/domain/audit-event';
import type { RoutingAction, RoutingRule } from '../../src/domain/routing/rule';
import { formatConditions } from '../../src/domain/routing/syntax';
import { isAdmin, type StaffMemberContext } from './context';
import { formatDate } from './render';

export interface RoutingBotDeps {
  editor: RuleEditor;
  router: Router;
  /** A person's display name by id; none for someone no longer known. */
  nameOf(userId: string): Promise<string | undefined>;
  timeZone: string;
  clock: { now(): Date };
}

/**
 * Admins steer routing from the chat (PRODUCT.md): `/routes` lists the rules with the syntax,
 * `/route_add`, `/route_edit`, `/route_del`, `/route_move` change them, `/route_test` dry-runs a
 * sample, `/route_undo` reverts the last change and `/audit` shows who changed what.
 */
export function routesComposer(deps: RoutingBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  const admins = composer.filter(isAdmin);
  const refuse = async (ctx: StaffMemberContext) => ctx.reply(ctx.t('admin:refused'));
  composer
    .filter((ctx) => !isAdmin(ctx))
    .command(
      [
        'routes',
        'route_add',
        'route_edit',
        'route_del',
        'route_move',
        'route_test',
        'route_undo',
        'audit',
      ],
      refuse,
    );

  const show = async (ctx: StaffMemberContext, rules: RoutingRule[], header: string) => {
    const lines = await Promise.all(rules.map((rule, i) => describe(rule, i + 1, deps, ctx.t)));
    await ctx.reply(
      [header, ...(lines.length > 0 ? lines : [ctx.t('admin:routes.none')])].join('\n'),
    );
  };
  /** Runs a change; a refusal lists every reason and nothing is saved. */
  const change = async (ctx: StaffMemberContext, work: () => Promise<RoutingRule[]>) => {
    try {
      await show(ctx, await work(), ctx.t('admin:routes.saved'));
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      await ctx.reply(
        [
          ctx.t('admin:routes.refused'),
          ...error.problems.map((p) => `• ${explain(p, ctx.t)}`),
        ].join('\n'),
      );
    }
  };

  admins.command('routes', async (ctx) => {
    await show(ctx, await deps.editor.list(), ctx.t('admin:routes.header'));
    await ctx.reply(ctx.t('admin:routes.help'));
  });
  admins.command('route_add', (ctx) => {
    const [, position, line = ''] = /^(\d+)?\s*(.*)$/s.exec(ctx.match.trim()) ?? [];
    return change(ctx, () =>
      deps.editor.add(ctx.staff, line, position ? Number(position) : undefined),
    );
  });
  admins.command('route_edit', (ctx) => {
    const [, position = '', line = ''] = /^(\d+)\s+(.*)$/s.exec(ctx.match.trim()) ?? [];
    return change(ctx, () => deps.editor.edit(ctx.staff, Number(position), line));
  });
  admins.command('route_del', (ctx) =>
    change(ctx, () => deps.editor.remove(ctx.staff, Number(ctx.match.trim()))),
  );
  admins.command('route_move', (ctx) => {
    const [from, to] = ctx.match.trim().split(/\s+/).map(Number);
    return change(ctx, () => deps.editor.move(ctx.staff, from ?? NaN, to ?? NaN));
  });
  admins.command('route_undo', (ctx) => change(ctx, () => deps.editor.undo(ctx.staff)));

  admins.command('route_test', async (ctx) => {
    const [channel = '', ...words] = ctx.match.trim().split(/\s+/);
    if (!(CHANNELS as readonly string[]).includes(channel)) {
      return ctx.reply(ctx.t('admin:test.usage'));
    }
    const utm: Utm = {};
    const extra: { source?: string; language?: string } = {};
    const text: string[] = [];
    for (const word of words) {
      const [, key = '', value = ''] = /^(\w+)=(.+)$/.exec(word) ?? [];
      const utmKey = /^utm_(\w+)$/.exec(key)?.[1];
      if (utmKey && (UTM_KEYS as readonly string[]).includes(utmKey))
        utm[utmKey as keyof Utm] = value;
      else if (key === 'source') extra.source = value;
      else if (key === 'lang') extra.language = value;
      else text.push(word);
    }
    const decision = await deps.router.decide(
      { channel: channel as Channel, utm, ...extra, text: text.join(' '), at: deps.clock.now() },
      { dryRun: true },
    );
    const who = decision.assignee?.name ?? ctx.t('admin:test.dispatcher');
    if (!decision.position) return ctx.reply(ctx.t('admin:test.noRule'));
    await ctx.reply(
      ctx.t(decision.nobodyAvailable ? 'admin:test.nobody' : 'admin:test.fires', {
        position: decision.position,
        who,
      }),
    );
  });

  admins.command('audit', async (ctx) => {
    const events = await deps.editor.recentChanges(10);
    if (events.length === 0) return ctx.reply(ctx.t('admin:audit.none'));
    for (const event of events) await ctx.reply(await auditEntry(event, deps, ctx));
  });
  return composer;
}

type Naming = Pick<RoutingBotDeps, 'nameOf'>;

async function describe(rule: RoutingRule, position: number, deps: Naming, t: TFunction) {
  return `${position}. ${formatConditions(rule.conditions)} → ${await actionText(rule.action, deps, t)}`;
}

async function actionText(action: RoutingAction, deps: Naming, t: TFunction): Promise<string> {
  switch (action.kind) {
    case 'dispatcher':
      return t('admin:actions.dispatcher');
    case 'manager':
      return t('admin:actions.manager', { name: (await deps.nameOf(action.userId)) ?? '—' });
    default:
      // The department by its name in the reader's language, not its code (a rule refers to a
      // department that no longer exists only through an old audit entry: then the code).
      return t(`admin:actions.${action.kind}`, {
        department: t(`bot:departments.${action.department}`, {
          defaultValue: action.department,
        }),
      });
  }
}

/** One `/audit` entry as its reader sees it (exported for the routing tests, which run no bot). */
export async function auditEntry(
  event: AuditEvent,
  deps: Pick<RoutingBotDeps, 'nameOf' | 'timeZone'>,
  ctx: Pick<StaffMemberContext, 't' | 'lng'>,
) {
  const list = async (rules: unknown) =>
    (
      await Promise.all(
        ((rules ?? []) as RoutingRule[]).map((rule, i) =>
          // The audit keeps rules as stored documents, where a catch-all's empty conditions
          // (`*`) are dropped: read as none, not as a crash of the whole /audit.
          describe({ ...rule, conditions: rule.conditions ?? {} }, i + 1, deps, ctx.t),
        ),
      )
    ).join('\n') || ctx.t('admin:routes.none');
  return ctx.t('admin:audit.entry', {
    when: formatDate(event.at, ctx.lng, deps.timeZone),
    who: (event.actorUserId ? await deps.nameOf(event.actorUserId) : undefined) ?? '—',
    action: ctx.t(`admin:audit.actions.${event.action.replace('routing.', '')}`),
    undone: event.undoneAt ? ctx.t('admin:audit.undone') : '',
    before: await list(event.before),
    after: await list(event.after),
  });
}

function explain(problem: RoutingProblem, t: TFunction): string {
  return t(`admin:problems.${problem.code}`, { ...problem });
}
