import { prechatProblem } from '../../widget/src/prechat-rules';

describe('the widget pre-chat form', () => {
  it.each([
    ['name', '', 'required'],
    ['name', 'Анна', undefined],
    ['phone', '+7 (916) 123-45-67', undefined],
    ['phone', '12345', 'badPhone'],
    ['phone', 'call me maybe 123456', 'badPhone'],
    ['email', 'anna@example.com', undefined],
    ['email', 'anna@example', 'badEmail'],
  ] as const)('%s "%s" → %s', (field, value, problem) => {
    expect(prechatProblem(field, value)).toBe(problem);
  });
});
