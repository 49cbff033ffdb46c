import { GrammyError, HttpError, type Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { TFunction } from 'i18next';
import { ROLES, type Locale, type Role, type User } from '../../src/domain/user';

/**
 * The commands of each role's menu, in the order the menu shows them; someone with several roles
 * sees them all, each once. Every command here exists in one of the composers.
 */
const ROLE_COMMANDS: Record<Role, readonly string[]> = {
  manager: [
    'tasks',
    'task',
    'leads',
    'deals',
    'new',
    'find',
    'report',
    'online',
    'offline',
    'schedule',
  ],
  dispatcher: ['tasks', 'task', 'leads', 'deals', 'new', 'find', 'report', 'schedule'],
  head: [
    'tasks',
    'task',
    'leads',
    'deals',
    'team',
    'report',
    'plan',
    'find',
    'new',
    'sla',
    'import',
    'export',
    'schedule',
  ],
  admin: [
    'tasks',
    'task',
    'leads',
    'deals',
    'team',
    'report',
    'plan',
    'new',
    'find',
    'invite',
    'users',
    'role',
    'deactivate',
    'routes',
    'route_test',
    'audit',
    'inbox',
    'sla',
    'set_alerts',
    'import',
    'export',
    'schedule',
  ],
};
/** At the end of every staff menu. */
const EVERY_STAFF = ['lang', 'cancel', 'help'];
/** Private chats of people the bot does not know: how to get in. */
const NEWCOMER = ['start', 'help'];
/** Any other chat (the heads' group). */
const ELSEWHERE = ['help'];
const LOCALES: readonly Locale[] = ['ru', 'en'];

/** The commands a person's roles give them, in menu order. */
export function commandsOf(roles: readonly Role[]): string[] {
  const ordered = ROLES.filter((role) => roles.includes(role));
  return [...new Set([...ordered.flatMap((role) => ROLE_COMMANDS[role]), ...EVERY_STAFF])];
}

/** A menu as Telegram takes it, described in one language. */
export function menuOf(commands: readonly string[], t: TFunction): BotCommand[] {
  // The lists', reports' and transfers' commands are described in their own namespaces.
  return commands.map((command) => ({
    command,
    description: t([
      `help:commands.${command}`,
      `lists:commands.${command}`,
      `reports:commands.${command}`,
      `transfer:commands.${command}`,
    ]),
  }));
}

/** An outage or a rate limit: worth trying again later, unlike a refusal of this chat. */
export function passing(error: unknown): boolean {
  if (error instanceof HttpError) return true;
  return error instanceof GrammyError && (error.error_code === 429 || error.error_code >= 500);
}

export interface StaffMenusDeps {
  translate: (lng: Locale) => TFunction;
  defaultLocale: Locale;
  /** The person as stored now (role and language), undefined when unknown. */
  staff: { identify(telegramId: number): Promise<User | undefined> };
  onError: (error: unknown) => void;
}

/** No own menu: the chat falls back to the newcomers' one. */
const NO_MENU = '';
/** More people than any team has; past it the oldest entries are forgotten (and set again). */
const MAX_REMEMBERED = 10_000;
/** At shutdown a menu call still waiting on Telegram is let go after this. */
const STOP_WAIT_MS = 5000;

/**
 * The "/" menu each person sees (Bot API `setMyCommands`). Newcomers and groups get a menu per
 * language (ru, en, and the default language for anyone else); each staff member gets the menu of
 * their roles in their own language, in the scope of their private chat, so it follows `/lang`
 * and `/role`. A menu is set when it changes, not on every update: what Telegram was last told
 * is remembered per person, and the calls for one person run one after another, in order.
 */
export class StaffMenus {
  /** Per Telegram id: the menu Telegram has for that private chat (as JSON), when known. */
  private readonly known = new Map<number, string>();
  private readonly queues = new Map<number, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: StaffMenusDeps) {}

  /**
   * At start: the newcomers' and groups' menus, then each active staff member's, one call at a
   * time. A rate limit or an outage ends the round: the others get theirs with their next update.
   * Never rejects.
   */
  async start(api: Api, activeStaff: () => Promise<User[]>): Promise<void> {
    /** False when the round should end here. */
    const attempt = async (work: () => Promise<unknown>): Promise<boolean> => {
      try {
        await work();
        return true;
      } catch (error) {
        if (this.stopped) return false;
        this.deps.onError(error);
        return !passing(error);
      }
    };
    for (const lng of [undefined, ...LOCALES]) {
      const t = this.deps.translate(lng ?? this.deps.defaultLocale);
      const language = lng ? { language_code: lng } : {};
      if (this.stopped) return;
      for (const [commands, type] of [
        [NEWCOMER, 'all_private_chats'],
        [ELSEWHERE, 'default'],
      ] as const) {
        const menu = menuOf(commands, t);
        if (!(await attempt(() => api.setMyCommands(menu, { scope: { type }, ...language }))))
          return;
      }
    }
    let people: User[] = [];
    if (!(await attempt(async () => (people = await activeStaff())))) return;
    for (const person of people) {
      if (this.stopped) return;
      if (person.active && !(await attempt(() => this.update(api, person)))) return;
    }
  }

  /** Lets what is under way finish and starts nothing new. */
  async stop(): Promise<void> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  /** This person's menu as their roles and language say, set only if it changed. */
  update(api: Api, person: User): Promise<void> {
    return this.apply(api, person.telegramId, async () =>
      person.active ? this.menuFor(person) : undefined,
    );
  }

  /** As `update`, with the person read again (after an admin changed their role or let them go). */
  refresh(api: Api, telegramId: number): Promise<void> {
    return this.apply(api, telegramId, async () => {
      const person = await this.deps.staff.identify(telegramId);
      return person?.active ? this.menuFor(person) : undefined;
    });
  }

  /** Runs `update` or `refresh` without holding the update up; a failure is only logged. */
  inBackground(work: Promise<void>): void {
    const run = work.catch((error: unknown) => {
      if (!this.stopped) this.deps.onError(error);
    });
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  private menuFor(person: User): BotCommand[] {
    return menuOf(commandsOf(person.roles), this.deps.translate(person.language));
  }

  /** Queued behind this person's previous call, so the last wish is what Telegram keeps. */
  private apply(
    api: Api,
    chatId: number,
    wanted: () => Promise<BotCommand[] | undefined>,
  ): Promise<void> {
    const previous = this.queues.get(chatId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        if (this.stopped) return;
        const commands = await wanted();
        const menu = commands ? JSON.stringify(commands) : NO_MENU;
        if (this.known.get(chatId) === menu) return;
        const scope = { scope: { type: 'chat' as const, chat_id: chatId } };
        try {
          if (commands) await api.setMyCommands(commands, scope);
          else await api.deleteMyCommands(scope);
          this.remember(chatId, menu);
        } catch (error) {
          // Asked again with the person's next update after an outage; a chat Telegram refuses
          // (the person blocked the bot) is not asked again until their menu changes.
          if (passing(error)) this.known.delete(chatId);
          else this.remember(chatId, menu);
          throw error;
        }
      });
    this.queues.set(chatId, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.queues.get(chatId) === next) this.queues.delete(chatId);
      });
    return next;
  }

  private remember(chatId: number, menu: string): void {
    this.known.delete(chatId);
    if (this.known.size >= MAX_REMEMBERED) this.known.delete(this.known.keys().next().value!);
    this.known.set(chatId, menu);
  }
}
