import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { HistoryEntry, HistoryPage } from '../../src/app/process/client-history';
import type { Notice } from '../../src/app/process/notices';
import type { Task, TaskSubject } from '../../src/domain/task';
import { TELEGRAM_TEXT_LIMIT, truncated } from './card.render';
import { BADGES } from './client-card';
import { listCallbacks } from './lists.render';
import { recordName } from './record-label';
import { historyCallbacks } from './history.callbacks';
import { callbacks, formatDate, text } from './render';

type Lng = 'ru' | 'en';
type HandOver = Extract<Notice, { kind: 'client_history' }>;

/** What rendering a history needs besides the translation. */
export interface HistoryView {
  t: TFunction;
  lng: Lng;
  timeZone: string;
  /** A signed link to a file the hub keeps; without it such files are named only. */
  fileUrl?: (fileRef: string, name: string) => string;
}

/** Each message's text is cut shorter and shorter until the whole card fits one message. */
const TEXT_BUDGETS = [400, 200, 80];
const FILES_SHOWN = 3;

function fileLine(file: HistoryEntry['files'][number], view: HistoryView): string {
  const url = /^https?:\/\//.test(file.ref)
    ? file.ref
    : file.hosted && view.fileUrl
      ? view.fileUrl(file.ref, file.name)
      : undefined;
  return url
    ? view.t('history:file', { name: file.name, url })
    : view.t('history:fileNoLink', { name: file.name });
}

function entryLines(
  entry: HistoryEntry,
  contactName: string,
  view: HistoryView,
  budget: number,
): string[] {
  const { t } = view;
  const who =
    entry.author === 'client'
      ? t('history:client', { name: contactName })
      : entry.author === 'robot'
        ? t('history:robot')
        : entry.authorName
          ? t('history:staff', { name: entry.authorName })
          : t('history:formerStaff');
  const body = entry.text
    ? (truncated(entry.text, budget, '…') ?? entry.text)
    : entry.files.length > 0
      ? ''
      : t('history:noText');
  const files = entry.files.slice(0, FILES_SHOWN).map((file) => fileLine(file, view));
  if (entry.files.length > FILES_SHOWN)
    files.push(t('history:moreFiles', { count: entry.files.length - FILES_SHOWN }));
  const line = t('history:line', {
    time: formatDate(entry.at, view.lng, view.timeZone),
    badge: BADGES[entry.channel],
    who,
    text: body,
  });
  return [line.trimEnd(), ...files];
}

/**
 * The header and the messages, oldest first, in one Telegram message: texts are cut shorter
 * until it fits; if ten long file lists still do not, the oldest messages give way (the History
 * button shows them).
 */
function fitted(header: string[], entries: HistoryEntry[], contact: string, view: HistoryView) {
  const render = (shown: HistoryEntry[], budget: number) => {
    const omitted = entries.length - shown.length;
    return [
      ...header,
      ...(omitted > 0 ? [view.t('history:omitted', { count: omitted })] : []),
      ...shown.flatMap((entry) => entryLines(entry, contact, view, budget)),
    ].join('\n');
  };
  for (const budget of TEXT_BUDGETS) {
    const whole = render(entries, budget);
    if (whole.length <= TELEGRAM_TEXT_LIMIT) return whole;
  }
  const smallest = TEXT_BUDGETS.at(-1)!;
  for (let drop = 1; drop < entries.length; drop++) {
    const shorter = render(entries.slice(drop), smallest);
    if (shorter.length <= TELEGRAM_TEXT_LIMIT) return shorter;
  }
  const last = render(entries.slice(-1), smallest);
  return truncated(last, TELEGRAM_TEXT_LIMIT, '…') ?? last;
}

/** The buttons every view of a client's history offers: reply, card, history, their tasks. */
function clientButtons(
  subject: TaskSubject,
  t: TFunction,
  conversationId?: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (conversationId) keyboard.text(t('bot:buttons.reply'), callbacks.reply(conversationId));
  return keyboard
    .text(t('bot:buttons.card'), callbacks.card(subject))
    .row()
    .text(t('history:buttons.history'), historyCallbacks.open(subject))
    .text(t('history:buttons.clientTasks'), historyCallbacks.tasks(subject));
}

/** What a person a lead or deal was just handed to receives: who the client is, what was said. */
export function handOverCard(notice: HandOver, view: HistoryView) {
  const { t } = view;
  const name = notice.contactName ?? t('bot:client.unknownName');
  const header = [
    t('history:handedOver', { name, record: recordName(notice, t) }),
    t('history:latest', { count: notice.entries.length, total: notice.total }),
    '',
  ];
  return {
    text: fitted(header, notice.entries, name, view),
    keyboard: clientButtons(notice.subject, t, notice.conversationId),
  };
}

/** One page of the history with ◀️ older / newer ▶️, drawn again in place on each press. */
export function historyPageView(page: HistoryPage, view: HistoryView) {
  const { t } = view;
  const name = page.contactName ?? t('bot:client.unknownName');
  const header = [t('history:title', { name, record: recordName(page, t) })];
  if (page.total === 0) header.push('', t('history:empty'));
  else
    header.push(
      // Numbered as a chat reads, oldest first: the newest page is the last.
      t('history:page', { page: page.pages - page.page, pages: page.pages, total: page.total }),
      '',
    );
  const keyboard = new InlineKeyboard();
  if (page.page + 1 < page.pages)
    keyboard.text(t('history:buttons.older'), historyCallbacks.page(page.subject, page.page + 1));
  if (page.page > 0)
    keyboard.text(t('history:buttons.newer'), historyCallbacks.page(page.subject, page.page - 1));
  keyboard.row().text(t('bot:buttons.card'), callbacks.card(page.subject));
  return { text: fitted(header, page.entries, name, view), keyboard };
}

/** The client's tasks, open ones first; each open one opens its card with its buttons. */
export function clientTasksView(found: { tasks: Task[]; contactName?: string }, view: HistoryView) {
  const { t, lng } = view;
  const name = found.contactName ?? t('bot:client.unknownName');
  const lines = [t('history:tasks.title', { name }), ''];
  const keyboard = new InlineKeyboard();
  if (found.tasks.length === 0) lines.push(t('history:tasks.none'));
  for (const task of found.tasks) {
    const title = text(task.title, lng);
    if (task.status === 'open') {
      const due = formatDate(task.due, lng, view.timeZone);
      lines.push(t('history:tasks.open', { title, due }));
      keyboard.text(`⏳ ${title}`.slice(0, 40), listCallbacks.openTask(task.id)).row();
    } else lines.push(t(`history:tasks.${task.status}`, { title }));
  }
  const whole = lines.join('\n');
  return { text: truncated(whole, TELEGRAM_TEXT_LIMIT, '…') ?? whole, keyboard };
}
