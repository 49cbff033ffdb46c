import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { CompanyCard, ContactCard } from '../../src/app/process/people-cards';
import type { RecordCard } from '../../src/app/process/record-card';
import { addClosingButtons, closingLines, isClosing } from './closing.render';
import { historyCallbacks } from './history.callbacks';
import { recordName } from './record-label';
import { callbacks, text } from './render';

/** The lead or deal card: stage, responsibles, empty required fields and declared moves. */
export function renderCard(card: RecordCard, t: TFunction, lng: 'ru' | 'en') {
  const who = [card.contact, card.company && `(${card.company})`].filter(Boolean).join(' ') || '—';
  const people = card.responsibles
    .map(({ slot, user }) => `${t(`bot:card.slots.${slot}`)}: ${user.name}`)
    .join(' · ');
  const lines = [
    t('cards:card.title', {
      record: recordName(card.record, t, card.dealType ? text(card.dealType, lng) : ''),
      who,
    }),
    t('bot:card.stage', { stage: text(card.stage.title, lng) }),
    people || t('bot:card.nobody'),
    card.missing.length > 0
      ? t('bot:card.missing', { fields: card.missing.map((f) => text(f.title, lng)).join(', ') })
      : t('bot:card.complete'),
    t('bot:card.tasks', { tasks: t('tasks.count', { count: card.openTasks.length }) }),
    ...closingLines(card, t),
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
  keyboard
    .text(t('history:buttons.history'), historyCallbacks.open(card.record.subject))
    .text(t('history:buttons.clientTasks'), historyCallbacks.tasks(card.record.subject))
    .row();
  for (const stage of card.moves.filter((s) => !isClosing(s))) {
    keyboard
      .text(
        t('bot:card.moveTo', { stage: text(stage.title, lng) }),
        callbacks.move(card.record.subject, stage.id),
      )
      .row();
  }
  addClosingButtons(keyboard, card, t, lng);
  return { text: lines.join('\n'), keyboard };
}

export function renderContact(card: ContactCard, t: TFunction) {
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

export function renderCompany(card: CompanyCard, t: TFunction) {
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

/**
 * Telegram refuses a message whose text is longer than 4,096 characters, counted after entity
 * parsing in UTF-16 code units. The bot sends plain text (no parse_mode), so what is counted is
 * the string itself and `String#length` measures it exactly; were HTML ever turned on, the budget
 * would have to be taken on the visible text, never cutting inside a tag or an entity.
 */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** How far back from the limit a cut may move to land on a line break or a space. */
const SOFT_BOUNDARY = 200;

/** Where to cut `text` so that at most `limit` code units stay: never inside a surrogate pair. */
function cutAt(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  let end = limit;
  // A high surrogate left at the end would be half an emoji: Telegram rejects lone surrogates.
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  const floor = Math.max(1, end - SOFT_BOUNDARY);
  const newline = text.lastIndexOf('\n', end - 1);
  if (newline >= floor) return newline + 1;
  const space = text.lastIndexOf(' ', end - 1);
  if (space >= floor) return space + 1;
  return Math.max(end, 1);
}

/** The text cut to fit `limit` (with `marker` appended when cut), or undefined when it fits. */
export function truncated(text: string, limit: number, marker = ''): string | undefined {
  if (text.length <= limit) return undefined;
  const budget = Math.max(1, limit - marker.length);
  return text.slice(0, cutAt(text, budget)).trimEnd() + marker;
}

/** The whole text in parts that each fit one Telegram message, cut at the same safe places. */
export function splitForTelegram(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const end = cutAt(rest, limit);
    parts.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  // Telegram refuses an empty text; a part of only whitespace would be one after its trim.
  return parts.filter((part) => part.trim().length > 0);
}
