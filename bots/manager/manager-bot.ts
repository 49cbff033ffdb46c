import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { ManagerBotDeps, ManagerContext } from './context';
import { identify, staffOnly } from './identify.middleware';
import { languageComposer } from './language.composer';
import { onboardingComposer } from './onboarding.composer';
import { tasksComposer } from './tasks.composer';

export interface ManagerBotOptions {
  token: string;
  apiRoot: string;
  /** Given in tests to skip getMe; production calls `bot.init()`. */
  botInfo?: UserFromGetMe;
  onError: (error: unknown) => void;
}

/** The bot staff work in: one Composer per feature, every path behind `identify`. */
export function createManagerBot(
  deps: ManagerBotDeps,
  options: ManagerBotOptions,
): Bot<ManagerContext> {
  const bot = new Bot<ManagerContext>(options.token, {
    client: { apiRoot: options.apiRoot },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  bot.use(identify(deps));
  bot.use(onboardingComposer(deps));
  bot.use(staffOnly);
  bot.use(tasksComposer(deps));
  bot.use(languageComposer(deps));
  bot.catch((error) => options.onError(error.error));
  return bot;
}
