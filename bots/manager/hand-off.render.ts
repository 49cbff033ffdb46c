import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { Pipeline } from '../../src/domain/process/definition';
import { text } from './render';

/**
 * The hand-off's deal types as toggles: the chosen set travels in the buttons' data as a bit mask
 * over the definition's deal types (bit i = the i-th type), so no state is kept between presses.
 */
export const TOGGLE_PRESS = /^t:s:([0-9a-f]{24}):(\d{1,9})$/;
export const HAND_OFF_DONE = /^t:c:([0-9a-f]{24}):(\d{1,9})$/;

export function dealTypesKeyboard(
  taskId: string,
  types: Pipeline[],
  mask: number,
  t: TFunction,
  lng: 'ru' | 'en',
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  types.forEach((type, i) => {
    const chosen = (mask & (1 << i)) !== 0;
    keyboard
      .text(`${chosen ? '✅ ' : ''}${text(type.title, lng)}`, `t:s:${taskId}:${mask ^ (1 << i)}`)
      .row();
  });
  return keyboard.text(t('moves:handOff.done'), `t:c:${taskId}:${mask}`);
}

/** The deal types a mask names; undefined when it names a type the definition does not have. */
export function typesOf(mask: number, types: Pipeline[]): string[] | undefined {
  if (mask >= 2 ** types.length) return undefined;
  return types.filter((_, i) => (mask & (1 << i)) !== 0).map((type) => type.id);
}
