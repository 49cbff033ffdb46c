import { parseFieldValue, type FieldSpec } from '../../../src/domain/process/field-value';
import { readWhen } from '../../../src/domain/when';

/** Monday 7 December 2026, 12:00 in Yekaterinburg (UTC+5). */
const NOW = new Date('2026-12-07T07:00:00Z');
const ZONE = 'Asia/Yekaterinburg';
const reading = { now: NOW, timeZone: ZONE };

const value = (spec: FieldSpec, raw: unknown) => {
  const parsed = parseFieldValue(spec, raw, reading);
  return 'value' in parsed ? parsed.value : parsed.problem;
};

describe('a typed field reads its value or names the problem', () => {
  it('number: digits, spaces between thousands, a decimal comma; not words', () => {
    const spec: FieldSpec = { type: 'number' };
    expect(['40', ' 1 200 ', '12,5', '-3', 7].map((raw) => value(spec, raw))).toEqual([
      40, 1200, 12.5, -3, 7,
    ]);
    expect(
      ['около сорока', '40 человек', '', '4O', Number.NaN, null].map((raw) => value(spec, raw)),
    ).toEqual(Array(6).fill('not_number'));
  });

  it("money: an amount with the currency typed, or the field's own; not words, not below zero", () => {
    const spec: FieldSpec = { type: 'money', currency: 'RUB' };
    expect(
      ['150 000', '150 000 ₽', '1 500,50 руб.', '$2500', '300 EUR', '120000 рублей', 42].map(
        (raw) => value(spec, raw),
      ),
    ).toEqual([
      { amount: 150000, currency: 'RUB' },
      { amount: 150000, currency: 'RUB' },
      { amount: 1500.5, currency: 'RUB' },
      { amount: 2500, currency: 'USD' },
      { amount: 300, currency: 'EUR' },
      { amount: 120000, currency: 'RUB' },
      { amount: 42, currency: 'RUB' },
    ]);
    expect(value({ type: 'money', currency: 'USD' }, '99')).toEqual({
      amount: 99,
      currency: 'USD',
    });
    expect(
      ['около сорока тысяч', '150k', '-5', '$5 EUR', '', null].map((raw) => value(spec, raw)),
    ).toEqual(Array(6).fill('not_money'));
  });

  it('text: trimmed, never blank', () => {
    expect(value({ type: 'text' }, '  120 m² ')).toBe('120 m²');
    expect([' ', undefined, 5].map((raw) => value({ type: 'text' }, raw))).toEqual(
      Array(3).fill('not_text'),
    );
  });

  it('phone: normalised to E.164, Russian numbers without a country code too', () => {
    expect(value({ type: 'phone' }, '8 (912) 345-67-89')).toBe('+79123456789');
    expect(value({ type: 'phone' }, '+44 20 7946 0958')).toBe('+442079460958');
    expect(value({ type: 'phone' }, 'позвоню позже')).toBe('not_phone');
    expect(value({ type: 'phone' }, '12345')).toBe('not_phone');
  });

  it('email: in lower case; a name without a domain is not one', () => {
    expect(value({ type: 'email' }, ' Anna@Romashka.RU ')).toBe('anna@romashka.ru');
    expect(value({ type: 'email' }, 'anna@romashka')).toBe('not_email');
    expect(value({ type: 'email' }, 'анна')).toBe('not_email');
  });

  it('date: an ISO moment or a Date as is, words only with a reading', () => {
    const moment = new Date('2026-12-11T10:00:00Z');
    expect(value({ type: 'date' }, moment)).toEqual(moment);
    expect(value({ type: 'date' }, '2026-12-11T15:00:00+05:00')).toEqual(moment);
    expect(value({ type: 'date' }, 'в пятницу в 15')).toEqual(moment);
    expect(parseFieldValue({ type: 'date' }, 'в пятницу в 15')).toEqual({ problem: 'not_date' });
    expect(value({ type: 'date' }, 'когда-нибудь')).toBe('not_date');
    expect(value({ type: 'date' }, new Date(Number.NaN))).toBe('not_date');
  });

  it('choice: the id, or the title typed in either language; nothing else', () => {
    const spec: FieldSpec = {
      type: 'choice',
      choices: [
        { id: 'cash', title: { ru: 'Наличные', en: 'Cash' } },
        { id: 'invoice', title: { ru: 'По счёту', en: 'Invoice' } },
      ],
    };
    expect(['cash', 'по счёту', 'INVOICE'].map((raw) => value(spec, raw))).toEqual([
      'cash',
      'invoice',
      'invoice',
    ]);
    expect(value(spec, 'карта')).toBe('not_choice');
  });

  it('file: a reference with its name, not a text', () => {
    expect(value({ type: 'file' }, { fileRef: 'BQAC', name: 'brief.pdf', extra: 1 })).toEqual({
      fileRef: 'BQAC',
      name: 'brief.pdf',
    });
    expect(value({ type: 'file' }, { fileRef: 'BQAC' })).toEqual({ fileRef: 'BQAC' });
    expect(['brief.pdf', { fileRef: '' }, null].map((raw) => value({ type: 'file' }, raw))).toEqual(
      Array(3).fill('not_file'),
    );
  });

  it('a value already read reads the same again, so the engine can check what the bot read', () => {
    const specs: FieldSpec[] = [
      { type: 'number' },
      { type: 'phone' },
      { type: 'email' },
      { type: 'date' },
      { type: 'money' },
    ];
    const raws = ['1 200', '8 912 345-67-89', 'A@B.RU', 'завтра в 10', '2 500 $'];
    specs.forEach((spec, i) => {
      const once = value(spec, raws[i]);
      expect(parseFieldValue(spec, once)).toEqual({ value: once });
    });
  });
});

describe('dates in words, Russian and English, in the company time zone', () => {
  /** Yekaterinburg wall-clock time as a UTC instant. */
  const at = (local: string) => new Date(`${local}+05:00`);
  const read = (text: string) => readWhen(text, NOW, ZONE);

  it.each([
    ['в пятницу в 15', '2026-12-11T15:00'],
    ['завтра в 10', '2026-12-08T10:00'],
    ['Завтра 12:00', '2026-12-08T12:00'],
    ['послезавтра', '2026-12-09T10:00'],
    ['сегодня в 18', '2026-12-07T18:00'],
    ['25 декабря в 14:30', '2026-12-25T14:30'],
    ['25.12 14:00', '2026-12-25T14:00'],
    ['25.12', '2026-12-25T10:00'],
    ['25.12.2031 15:00', '2031-12-25T15:00'],
    ['tomorrow 10am', '2026-12-08T10:00'],
    ['friday 3pm', '2026-12-11T15:00'],
    ['next monday 9:00', '2026-12-14T09:00'],
    ['15:00', '2026-12-07T15:00'],
  ])('%s → %s', (text, local) => {
    expect(read(text)).toEqual(at(local));
  });

  it('a day without a year is the next one; a past one with a year is kept to be refused', () => {
    expect(readWhen('05.01 10:00', NOW, ZONE)).toEqual(at('2027-01-05T10:00'));
    expect(read('01.01.2020 10:00')).toEqual(at('2020-01-01T10:00'));
  });

  it('"in 2 hours" counts from now', () => {
    expect(read('через 2 часа')).toEqual(new Date(NOW.getTime() + 2 * 3_600_000));
    expect(read('in 2 hours')).toEqual(new Date(NOW.getTime() + 2 * 3_600_000));
  });

  it('reads nothing that is not wholly a date', () => {
    for (const text of [
      'около сорока',
      'some day',
      '40',
      'позвоню в 15 наверное',
      '31.02 10:00',
      '',
    ])
      expect(read(text)).toBeUndefined();
  });

  it('a time a clock change skips is not a time', () => {
    // Berlin skips 02:00-03:00 on 28 March 2027.
    expect(readWhen('28.03.2027 02:30', NOW, 'Europe/Berlin')).toBeUndefined();
    expect(readWhen('28.03.2027 03:30', NOW, 'Europe/Berlin')).toEqual(
      new Date('2027-03-28T01:30:00Z'),
    );
  });
});
