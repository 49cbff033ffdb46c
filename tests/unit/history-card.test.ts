import type { HistoryEntry } from '../../src/app/process/client-history';
import { createTranslator } from '../../src/infra/i18n';
import { handOverCard } from '../../bots/manager/history.render';

const LIMIT = 4096;
const subject = { kind: 'lead' as const, id: '65a1b2c3d4e5f60718293a4b' };

/** A long text ending in emoji, so a careless cut would leave half a surrogate pair. */
const longText = (n: number) => `${'Очень длинное сообщение клиента. '.repeat(100)}🎉`.slice(0, n);

const entry = (i: number, files = 0): HistoryEntry => ({
  at: new Date(Date.UTC(2026, 11, 7, 9, i)),
  channel: i % 2 === 0 ? 'vk' : 'telegram',
  author: i % 3 === 0 ? 'staff' : 'client',
  ...(i % 3 === 0 ? { authorName: 'Семён Орлов' } : {}),
  text: `${i}: ${longText(590)}`,
  files: Array.from({ length: files }, (_, k) => ({
    name: `скан-${i}-${k}.pdf`,
    ref: `65a1b2c3d4e5f60718293a${String(k).padStart(2, '0')}`,
    hosted: true,
  })),
});

const hasLoneSurrogate = (text: string) =>
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('the card a new responsible receives', () => {
  it('fits one Telegram message with ten long messages, keeping the newest and cutting texts', async () => {
    const t = (await createTranslator('ru')).forLocale('ru');
    const entries = Array.from({ length: 10 }, (_, i) => entry(i));
    const card = handOverCard(
      { kind: 'client_history', subject, contactName: 'Марина', entries, total: 42 },
      { t, lng: 'ru', timeZone: 'Europe/Moscow' },
    );
    expect(card.text.length).toBeLessThanOrEqual(LIMIT);
    expect(hasLoneSurrogate(card.text)).toBe(false);
    expect(card.text).toMatch(/^📂 Вам передан клиент: Марина · Лид #293a4b\n/);
    expect(card.text).toMatch(/последние 10 сообщений из 42/);
    // Every message is still there, each cut short.
    for (let i = 0; i < 10; i++) expect(card.text).toContain(`: ${i}: Очень длинное`);
    expect(card.text).toMatch(/💼 Семён Орлов: 9: Очень длинное[^\n]*…$/);
  });

  it('gives the oldest messages way, and says so, when files alone would not fit', async () => {
    const t = (await createTranslator('en')).forLocale('en');
    const url = (ref: string, name: string) =>
      `https://hub.example.com/files/${ref}/${encodeURIComponent(name)}?exp=1&sig=${'x'.repeat(43)}`;
    const entries = Array.from({ length: 10 }, (_, i) => entry(i, 5));
    const card = handOverCard(
      { kind: 'client_history', subject, entries, total: 10 },
      { t, lng: 'en', timeZone: 'Europe/Moscow', fileUrl: url },
    );
    expect(card.text.length).toBeLessThanOrEqual(LIMIT);
    expect(card.text).toMatch(/^📂 A client is now yours: Client · Lead #293a4b\n/);
    expect(card.text).toMatch(/…\d+ earlier — see «🕘 History»/);
    expect(card.text).toContain('📎 скан-9-0.pdf: https://hub.example.com/files/');
    expect(card.text).toContain('📎 and 2 more files');
    expect(card.text).not.toMatch(/\{\{|\}\}/);
  });
});
