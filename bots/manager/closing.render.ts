import type { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { Stage } from '../../src/domain/process/definition';
import type { RecordCard } from '../../src/app/process/record-card';
import type { TaskSubject } from '../../src/domain/task';
import { text } from './render';

export const isClosing = (stage: Stage) => stage.kind === 'lost' || stage.kind === 'junk';

/** A closing press opens the reason dialog: the reason is asked, a button cannot carry it. */
export const closeCallback = (subject: TaskSubject, stage: string) =>
  `z:${subject.kind}:${subject.id}:${stage}`;
export const CLOSE_PRESS = /^z:(lead|deal):([0-9a-f]{24}):([a-z0-9_]+)$/;

/** What the card says of a record's problem or closing: the open problem, the closing reason. */
export function closingLines(card: RecordCard, t: TFunction): string[] {
  const { fields } = card.record;
  const problem = fields.openProblem as { reason?: unknown } | null | undefined;
  const reason = fields[card.stage.kind === 'lost' ? 'lostReason' : 'junkReason'];
  return [
    ...(typeof problem?.reason === 'string'
      ? [t('moves:problem.open', { reason: problem.reason })]
      : []),
    ...(isClosing(card.stage) && typeof reason === 'string'
      ? [t('moves:close.reason', { reason })]
      : []),
  ];
}

/** "🗑 Junk" or "❌ Lost" under the card, for the closing moves declared from this stage. */
export function addClosingButtons(
  keyboard: InlineKeyboard,
  card: RecordCard,
  t: TFunction,
  lng: 'ru' | 'en',
): void {
  for (const stage of card.moves.filter(isClosing)) {
    keyboard
      .text(
        t(`moves:close.button_${stage.kind}`, { stage: text(stage.title, lng) }),
        closeCallback(card.record.subject, stage.id),
      )
      .row();
  }
}
