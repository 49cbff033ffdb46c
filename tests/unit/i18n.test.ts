import { createTranslator, LOCALES, readLocaleResources } from '../../src/infra/i18n';

function keysOf(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null) return [prefix];
  return Object.entries(tree).flatMap(([key, value]) =>
    keysOf(value, prefix ? `${prefix}.${key}` : key),
  );
}

/** Plural suffixes differ by language (ru: one/few/many, en: one/other); compare the base keys. */
const baseKeys = (tree: unknown) =>
  [
    ...new Set(keysOf(tree).map((key) => key.replace(/_(zero|one|two|few|many|other)$/, ''))),
  ].sort();

describe('translations', () => {
  it('has every Russian text in English and the other way round', () => {
    const resources = readLocaleResources();
    const [ru, en] = LOCALES.map((lng) => baseKeys(resources[lng]));
    expect(en).toEqual(ru);
  });

  it('writes Russian plurals the way a reader expects', async () => {
    const t = (await createTranslator('ru')).forLocale('ru');
    expect([1, 2, 5, 11, 21, 22, 25].map((count) => t('tasks.count', { count }))).toEqual([
      '1 задача',
      '2 задачи',
      '5 задач',
      '11 задач',
      '21 задача',
      '22 задачи',
      '25 задач',
    ]);
  });

  it('never shows a raw placeholder: a value a caller forgot is left out and reported', async () => {
    const missing: string[] = [];
    const t = (await createTranslator('ru', (_text, variable) => missing.push(variable))).forLocale(
      'ru',
    );
    expect(t('cards:alert.taken', {})).toBe('🙋 Взял ');
    expect(missing).toEqual(['name']);
  });

  it('answers each user in their own language from one shared instance', async () => {
    const translator = await createTranslator('ru');
    expect(translator.forLocale('en')('tasks.count', { count: 2 })).toBe('2 tasks');
    expect(translator.forLocale('ru')('refusal.noAccess')).toMatch(/нет доступа/);
    expect(translator.forLocale('en')('refusal.noAccess')).toMatch(/do not have access/);
  });
});
