import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { CompanyCard, ContactCard } from '../../src/app/process/people-cards';
import type { RecordCard } from '../../src/app/process/record-card';
import { callbacks, text } from './render';

/** The lead or deal card: stage, responsibles, empty required fields and declared moves. */
export function renderCard(card: RecordCard, t: TFunction, lng: 'ru' | 'en') {
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
