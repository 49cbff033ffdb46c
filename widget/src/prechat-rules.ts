import type { PrechatField } from '../../channels/widget/protocol';
import type { WidgetStrings } from './strings';

/** The problem with one answer, as a key of the strings; `undefined` when it is fine. */
export function prechatProblem(
  field: PrechatField,
  value: string,
): keyof WidgetStrings | undefined {
  if (!value) return 'required';
  if (field === 'phone' && (value.replace(/\D/g, '').length < 6 || /[^\d\s()+.-]/.test(value)))
    return 'badPhone';
  if (field === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return 'badEmail';
  return undefined;
}
