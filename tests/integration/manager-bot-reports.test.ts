import type { StoredBotUpdate } from 'telegram-test-api/lib/telegramServer';
import type { Types } from 'mongoose';
import { buttonsOf, type FakeUser } from '../support/fake-telegram';
import { ManualClock } from '../support/manual-timers';
import {
  invite,
  registerTeam,
  useManagerBotWorld,
  world,
  ZONE,
} from '../support/manager-bot-world';
import { startPhotoRelay } from '../support/photo-relay';
import { decodePng } from '../support/png';
import { defaultDefinition } from '../support/process';
import { createReports } from '../../src/wiring/reports';

/** The Bot API the hub talks to: the fake, with sendPhoto kept by the relay in front of it. */
const env: NodeJS.ProcessEnv = {};
let relay: Awaited<ReturnType<typeof startPhotoRelay>>;
beforeAll(async () => {
  relay = await startPhotoRelay(() => world.telegram.apiRoot);
  env.TELEGRAM_API_ROOT = relay.url;
});
afterAll(() => relay.close());
useManagerBotWorld(env);

let admin: FakeUser;
let seller: FakeUser;
let operator: FakeUser;
/** The head of sales, who speaks English. */
let helen: FakeUser;
const GROUP = -100500;

const idOf = async (person: FakeUser): Promise<Types.ObjectId> =>
  (await world.hub.database.models.User.findOne({ telegramId: person.id }).lean())!._id;
const last = (person: FakeUser) => person.history().at(-1)!;
const labels = (message: StoredBotUpdate['message']) => buttonsOf(message).map((b) => b.text);
/** Everything the bot sent since `from`, as one text. */
const since = (person: FakeUser, from: number) => person.texts().slice(from).join('\n\n');
const noRawCodes = (text: string) =>
  expect(text).not.toMatch(/\{\{|\}\}|reports:|lastMonth|undefined|NaN|[0-9a-f]{24}/);

beforeAll(async () => {
  ({ admin, seller, operator } = world);
  await registerTeam();
  helen = world.telegram.user(1005, 'Helen', 'en');
  await invite('head', 'sales', helen);
  const { Contact, Lead, Deal } = world.hub.database.models;
  const [sellerId, operatorId] = [await idOf(seller), await idOf(operator)];
  const contact = await Contact.create({ name: 'Клиент' });
  const lead = await Lead.create({
    contactId: contact._id,
    source: { kind: 'channel', channel: 'vk' },
    utm: { source: 'ads', campaign: 'winter' },
    stage: 'qualified',
    closed: true,
    responsibles: { sales: sellerId },
  });
  await Deal.create({
    leadId: lead._id,
    contactId: contact._id,
    type: 'standard',
    stage: 'won',
    closed: 'won',
    amount: 120_000,
    responsibles: { sales: sellerId, operations: operatorId },
    closedAt: new Date(),
  });
});

describe('/report in the manager bot', () => {
  it('shows a manager their own figures, with period buttons and no department choice', async () => {
    const from = seller.texts().length;
    await seller.command('/report');
    const text = since(seller, from);
    expect(text).toContain('📊 Отчёт · этот месяц · мои цифры');
    expect(text).toContain('• Сделка создана: сейчас 1 · дошли 1');
    expect(text).toContain('• ВКонтакте: 1 → 1, 120\u00a0000 ₽');
    expect(text).toContain('• Семён: 0 / 0 / ');
    expect(text).not.toContain('Ольга');
    noRawCodes(text);
    expect(labels(last(seller))).toEqual([
      'Сегодня',
      'Вчера',
      'Неделя',
      '· Месяц ·',
      'Прошлый месяц',
      '📈 Графики',
    ]);
  });

  it("shows a head their department's figures in their language", async () => {
    const from = helen.texts().length;
    await helen.command('/report');
    const text = since(helen, from);
    expect(text).toContain('📊 Report · this month · Sales');
    expect(text).toContain('• Семён: 0 / 0 / ');
    expect(text).toContain('• VK: 1 → 1, 120,000 RUB');
    expect(text).not.toContain('Ольга');
    noRawCodes(text);
  });

  it('lets an admin switch to one department; the button re-checks who pressed it', async () => {
    await admin.command('/report');
    const report = last(admin);
    expect(labels(report)).toEqual(
      expect.arrayContaining(['· Все ·', 'Отдел продаж', 'Делопроизводство']),
    );
    expect(since(admin, admin.texts().length - 3)).toContain('Ольга');

    const from = admin.texts().length;
    await admin.press('Делопроизводство', report);
    // One message: redrawn in place; else the new report follows.
    const text = admin.texts().length === from ? last(admin).text : since(admin, from);
    expect(text).toContain('Делопроизводство');
    expect(text).toContain('• Ольга:');
    expect(text).not.toContain('• Семён:');

    // The same department asked for by a manager (today's figures, on their own report) shows
    // only the manager's own figures.
    const data = buttonsOf(report)
      .find((b) => b.text === 'Делопроизводство')!
      .callback_data!.replace(':month:', ':today:');
    await seller.command('/report');
    const own = last(seller);
    await seller.sendCallbackData(data, own);
    const theirs = last(seller).text;
    expect(theirs).toContain('📊 Отчёт · сегодня · мои цифры');
    expect(theirs).not.toContain('Ольга');
  });

  it('sends the funnel, plan vs fact and reply times as PNG charts with the figures as captions', async () => {
    await helen.command('/report');
    const before = relay.photos.length;
    await helen.press('📈 Charts');
    const photos = relay.photos.slice(before);
    expect(photos.map((p) => p.chatId)).toEqual([
      String(helen.id),
      String(helen.id),
      String(helen.id),
    ]);
    for (const photo of photos) {
      const image = decodePng(photo.png);
      expect(image.width).toBeGreaterThan(800);
      expect(photo.png.length).toBeGreaterThan(5_000);
    }
    expect(photos[0]!.caption).toContain('Lead funnel');
    expect(photos[1]!.caption).toContain('• Семён: no plan · fact 120,000 RUB');
    expect(photos[2]!.caption).toContain('Reply times');
  });
});

describe('/plan', () => {
  it('lets a head set a monthly plan for a manager of their department, shown in the report', async () => {
    await helen.command('/plan');
    expect(last(helen).text).toMatch(/Plan for \w+ \d{4}/);
    expect(last(helen).text).toContain('1. Семён: not set');
    expect(last(helen).text).not.toContain('Ольга');

    await helen.command('/plan 1 500 000');
    expect(last(helen).text).toMatch(/✅ Семён's plan for \w+ \d{4}: 500,000 RUB\./);

    const from = helen.texts().length;
    await helen.command('/report');
    expect(since(helen, from)).toContain(
      '• Семён: plan 500,000 RUB · fact 120,000 RUB · difference −380,000 RUB',
    );
  });

  it('refuses managers and nonsense', async () => {
    // Every manager's plan as the admin sees it, before and after: nothing here changes one.
    await admin.command('/plan');
    const plans = last(admin).text;
    await seller.command('/plan');
    expect(last(seller).text).toBe('План ставят руководитель (своему отделу) и администратор.');
    await seller.command('/plan 1 100');
    expect(last(seller).text).toBe('План ставят руководитель (своему отделу) и администратор.');
    await helen.command('/plan 7 100');
    expect(last(helen).text).toMatch(/^I did not get that/);
    await admin.command('/plan');
    expect(last(admin).text).toBe(plans);
  });
});

describe('the daily digest', () => {
  it('is registered as a daily job at the configured time, in the company time zone', async () => {
    const job = await world.hub.database.connection
      .db!.collection('agendaJobs')
      .findOne({ name: 'report.daily-digest' });
    expect(job).toMatchObject({ repeatInterval: '0 9 * * *', repeatTimezone: ZONE });
  });

  it("arrives in the heads' chat once a day, from 09:00, in the chat's language", async () => {
    const heads = world.telegram.member(1001, 'Анна', GROUP);
    await heads.command('/set_alerts');
    const clock = new ManualClock(new Date('2026-12-10T03:00:00Z')); // 08:00 in Yekaterinburg
    const reports = createReports({
      models: world.hub.database.models,
      definition: defaultDefinition(),
      timeZone: ZONE,
      clock,
      digestAt: '09:00',
    });
    const run = () => reports.dailyDigest(world.hub.managerBot!.sendDigest);
    const digests = () => world.telegram.chatTexts(GROUP).filter((t) => t.startsWith('🌅'));
    const photos = () => relay.photos.filter((p) => p.chatId === String(GROUP));

    expect(await run()).toBe(false);
    expect(digests()).toEqual([]);

    for (const hour of ['04:00', '04:05', '07:00', '18:59']) {
      clock.set(new Date(`2026-12-10T${hour}:00Z`));
      await run();
    }
    expect(digests()).toHaveLength(1);
    expect(digests()[0]).toMatch(/^🌅 Сводка за 9 декабря 2026/);
    noRawCodes(digests()[0]!);
    expect(photos()).toHaveLength(1);
    expect(photos()[0]!.caption).toContain('🎯 План и факт');

    clock.set(new Date('2026-12-11T03:59:00Z'));
    expect(await run()).toBe(false);
    clock.set(new Date('2026-12-11T04:00:00Z'));
    expect(await run()).toBe(true);
    expect(await run()).toBe(false);
    expect(digests()).toHaveLength(2);
    expect(digests()[1]).toMatch(/^🌅 Сводка за 10 декабря 2026/);

    // Without a heads' chat, each head gets it in their own language.
    await world.hub.database.models.Setting.deleteOne({ key: 'alertChat' });
    clock.set(new Date('2026-12-12T04:00:00Z'));
    expect(await run()).toBe(true);
    expect(digests()).toHaveLength(2);
    expect(last(helen).text).toMatch(/^🌅 Summary for 11 December 2026/);
    expect(relay.photos.at(-1)).toMatchObject({ chatId: String(helen.id) });
    expect(relay.photos.at(-1)!.caption).toMatch(/^🎯 Plan vs fact/);
  });
});
