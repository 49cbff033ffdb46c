import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { isStaffMember, type ManagerBotDeps, type ManagerContext } from './context';
import { cardComposer } from './card.composer';
import { closingComposer } from './closing.composer';
import { dialogsComposer } from './dialogs.composer';
import { findComposer } from './find.composer';
import { listsComposer } from './lists.composer';
import { fallbackComposer, helpComposer } from './help.composer';
import { identify, staffOnly } from './identify.middleware';
import { languageComposer } from './language.composer';
import { onboardingComposer } from './onboarding.composer';
import { newLeadComposer } from './new-lead.composer';
import { Prompts } from './prompts';
import { replyComposer } from './reply.composer';
import { availabilityComposer } from './availability.composer';
import { routesComposer } from './routes.composer';
import { inboxComposer } from './inbox.composer';
import { historyComposer } from './history.composer';
import { organisationComposer } from './organisation.composer';
import { tasksComposer } from './tasks.composer';
import { reportComposer } from './report.composer';
import { importComposer } from './import.composer';
import { exportComposer } from './export.composer';

/** grammY waits 500 s for a Bot API call by default: one hung call would hold an update. */
export const BOT_API_TIMEOUT_SECONDS = 20;

export interface ManagerBotOptions {
  token: string;
  apiRoot: string;
  /** Given in tests to skip getMe; otherwise grammY asks getMe before the first update. */
  botInfo?: UserFromGetMe;
  onError: (error: unknown) => void;
}

/** The bot staff work in: one Composer per feature, every path behind `identify`. */
export function createManagerBot(
  deps: ManagerBotDeps,
  options: ManagerBotOptions,
): Bot<ManagerContext> {
  const bot = new Bot<ManagerContext>(options.token, {
    client: { apiRoot: options.apiRoot, timeoutSeconds: BOT_API_TIMEOUT_SECONDS },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  bot.use(identify(deps));
  // A staff member's menu follows their role and language, whatever they send (set only when it
  // changed, and never holding the update up).
  bot.use(async (ctx, next) => {
    if (ctx.staff) deps.menus.inBackground(deps.menus.update(ctx.api, ctx.staff));
    await next();
  });
  bot.use(onboardingComposer(deps));
  bot.use(staffOnly);
  // Everything below serves staff only, and its handlers know it by the context's type.
  const staff = bot.filter(isStaffMember);
  staff.use(dialogsComposer(deps));
  const prompts = new Prompts();
  staff.use(tasksComposer(deps, prompts));
  staff.use(replyComposer(deps, prompts));
  staff.use(newLeadComposer(deps));
  staff.use(findComposer(deps));
  staff.use(listsComposer(deps.lists));
  staff.use(cardComposer(deps));
  staff.use(closingComposer(deps));
  staff.use(historyComposer(deps));
  staff.use(languageComposer(deps));
  staff.use(availabilityComposer(deps));
  staff.use(routesComposer(deps.routing));
  staff.use(inboxComposer({ inbox: deps.inbox, timeZone: deps.timeZone }));
  staff.use(
    organisationComposer(deps.organisation, (ctx, person) =>
      deps.menus.inBackground(deps.menus.refresh(ctx.api, person.telegramId)),
    ),
  );
  staff.use(reportComposer(deps.reports));
  staff.use(importComposer(deps.imports));
  staff.use(exportComposer(deps.exports));
  staff.use(helpComposer());
  // Last: whatever nothing above took is answered with what to do instead.
  staff.use(fallbackComposer());
  bot.catch(async (error) => {
    options.onError(error.error);
    // The person still deserves an answer; a failure to answer is only logged.
    const ctx = error.ctx;
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('errors.unexpected') });
      else if (ctx.chat) await ctx.reply(ctx.t('errors.unexpected'));
    } catch (answerError) {
      options.onError(answerError);
    }
  });
  return bot;
}
