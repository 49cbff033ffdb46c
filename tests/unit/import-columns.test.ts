import { mapColumns, readRow } from '../../src/app/import/columns';
import { peopleOf } from '../../src/app/import/people';

describe('import columns', () => {
  it('finds columns by Russian or English names, whatever their case and spacing', () => {
    expect(
      mapColumns(['\uFEFF ФИО ', 'Тел.', 'Эл. почта', 'COMPANY', 'Utm Campaign', 'Заметка']),
    ).toEqual({
      columns: { name: 0, phone: 1, email: 2, company: 3, utm_campaign: 4 },
      missing: [],
    });
    expect(mapColumns(['Name', 'E-mail']).missing).toEqual([]);
  });

  it('names each required column a file lacks', () => {
    expect(mapColumns(['Company', 'Source']).missing).toEqual(['name', 'phone_or_email']);
    expect(mapColumns(['Имя', 'Компания']).missing).toEqual(['phone_or_email']);
  });

  it('reads a row into normalized phone and email, or refuses it with the reason', () => {
    const { columns } = mapColumns(['Имя', 'Телефон', 'Почта']);
    expect(readRow(['Иван', '8 (912) 345-67-89', ' Ivan@Example.COM '], 2, columns)).toEqual({
      line: 2,
      name: 'Иван',
      phones: ['+79123456789'],
      emails: ['ivan@example.com'],
      utm: {},
    });
    expect(readRow(['  ', '', ''], 3, columns)).toBeUndefined();
    const reason = (cells: string[]) => (readRow(cells, 4, columns) as { reason: string }).reason;
    expect(reason(['', '+79123456789', ''])).toBe('no_name');
    expect(reason(['Иван', '', ''])).toBe('no_phone_or_email');
    expect(reason(['Иван', '12345', ''])).toBe('bad_phone');
    expect(reason(['Иван', '', 'ivan@'])).toBe('bad_email');
  });

  it('makes rows sharing a phone or an email one person, the first row standing', () => {
    const { columns } = mapColumns(['Name', 'Phone', 'Email']);
    const rows = [
      ['Ann', '+79120000001', ''],
      ['Bob', '+79120000002', 'bob@example.com'],
      ['Ann again', '+79120000001', 'ann@example.com'],
      ['Robert', '', 'BOB@example.com'],
    ].map((cells, i) => readRow(cells, i + 2, columns)) as Parameters<typeof peopleOf>[0];
    expect(peopleOf(rows).map((person) => [person.row.name, person.emails, person.merged])).toEqual(
      [
        ['Ann', ['ann@example.com'], [4]],
        ['Bob', ['bob@example.com'], [5]],
      ],
    );
  });
});
