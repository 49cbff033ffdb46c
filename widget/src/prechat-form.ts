import type { Prechat, PrechatField } from '../../channels/widget/protocol';
import { h } from './dom';
import { prechatProblem } from './prechat-rules';
import type { WidgetStrings } from './strings';

const LABELS: Record<PrechatField, keyof WidgetStrings> = {
  name: 'fieldName',
  phone: 'fieldPhone',
  email: 'fieldEmail',
};
const INPUT_TYPES: Record<PrechatField, string> = { name: 'text', phone: 'tel', email: 'email' };
const AUTOCOMPLETE: Record<PrechatField, string> = { name: 'name', phone: 'tel', email: 'email' };

/** Asks for the configured contact fields; every field asked for must be filled in. */
export function prechatForm(
  fields: PrechatField[],
  strings: WidgetStrings,
  onDone: (prechat: Prechat) => void,
): HTMLFormElement {
  const inputs = fields.map((field) => {
    const input = h('input', {
      name: field,
      type: INPUT_TYPES[field],
      autocomplete: AUTOCOMPLETE[field],
      placeholder: strings[LABELS[field]],
      'aria-label': strings[LABELS[field]],
    });
    const error = h('div', { class: 'error', 'aria-live': 'polite' });
    return { field, input, error };
  });
  const form = h('form', { class: 'prechat', 'data-part': 'prechat', novalidate: true }, [
    h('p', {}, [strings.prechatIntro]),
    ...inputs.flatMap(({ input, error }) => [input, error]),
    h('button', { class: 'primary', type: 'submit' }, [strings.start]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const prechat: Prechat = {};
    let valid = true;
    for (const { field, input, error } of inputs) {
      const value = input.value.trim();
      const problem = prechatProblem(field, value);
      error.textContent = problem ? strings[problem] : '';
      if (problem) valid = false;
      else prechat[field] = value;
    }
    if (valid) onDone(prechat);
  });
  return form;
}
