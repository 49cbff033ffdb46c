import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { Types } from 'mongoose';
import type { FakeUser } from '../support/fake-telegram';
import { startFakeTelegramFiles, type FakeTelegramFiles } from '../support/fake-telegram-files';
import { invite, registerTeam, useManagerBotWorld, world } from '../support/manager-bot-world';

let files: FakeTelegramFiles;
beforeAll(async () => {
  files = await startFakeTelegramFiles(() => world.telegram.apiRoot);
});
useManagerBotWorld({
  get TELEGRAM_API_ROOT() {
    return files.apiRoot;
  },
} as NodeJS.ProcessEnv);
afterAll(() => files.stop());

/** The head of sales, who speaks English. */
let helen: FakeUser;
/** Contacts added in bulk, so an export spans several pages. */
const CROWD = 1100;

const idOf = async (person: FakeUser): Promise<Types.ObjectId> =>
  (await world.hub.database.models.User.findOne({ telegramId: person.id }).lean())!._id;

async function seed() {
  const { Contact, Lead, Deal, Company } = world.hub.database.models;
  const [seller, operator] = [await idOf(world.seller), await idOf(world.operator)];
  const acme = await Company.create({ name: 'Acme' });
  const contact = (name: string, phone: string) =>
    Contact.create({ name, phones: [phone], emails: [], companyId: acme._id });
  const sales = await contact('Sales Client', '+79120000101');
  const opsHeld = await contact('Ops Client', '+79120000102');
  const nobody = await contact('Waiting Client', '+79120000103');
  const dealClient = await contact('Deal Client', '+79120000104');
  const opsOnly = await contact('Ops Only Client', '+79120000105');
  const lead = (contactId: Types.ObjectId, holder?: Types.ObjectId) =>
    Lead.create({
      contactId,
      source: { kind: 'form', formId: 'site' },
      utm: { source: 'google', campaign: 'spring' },
      stage: 'identification',
      responsibles: holder ? { sales: holder } : {},
    });
  await lead(sales._id, seller);
  await lead(opsHeld._id, operator);
  await lead(nobody._id);
  await Deal.create({
    contactId: dealClient._id,
    type: 'standard',
    stage: 'documents',
    amount: 150000,
    currency: 'RUB',
    responsibles: { sales: seller, operations: operator },
  });
  await Deal.create({
    contactId: opsOnly._id,
    type: 'standard',
    stage: 'documents',
    responsibles: { operations: operator },
  });
  await Contact.insertMany(
    Array.from({ length: CROWD }, (_, i) => ({ name: `Crowd ${i}`, phones: [], emails: [] })),
  );
}

beforeAll(async () => {
  await registerTeam();
  helen = world.telegram.user(1010, 'Helen', 'en');
  await invite('head', 'sales', helen);
  await seed();
});

/** `/export <kind>`, then the format's button; waits for the file and returns it. */
async function exportBy(person: FakeUser, kind: string, format: 'CSV' | 'XLSX') {
  const sent = files.documents.length;
  await person.command(`/export ${kind}`);
  await person.press(format);
  await world.hub.transfer.background.idle();
  expect(files.documents).toHaveLength(sent + 1);
  return files.documents.at(-1)!;
}

async function xlsxRows(data: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  const rows: string[][] = [];
  workbook.worksheets[0]!.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((value) => String(value ?? '')));
  });
  return rows;
}

const column = (rows: string[][], title: string) => {
  const index = rows[0]!.indexOf(title);
  expect(index).toBeGreaterThanOrEqual(0);
  return rows.slice(1).map((row) => row[index] ?? '');
};

describe('/export', () => {
  it('refuses a manager politely, by command and by a forged button, and exports nothing', async () => {
    const sent = files.documents.length;
    await world.seller.command('/export leads');
    expect(world.seller.lastText()).toBe(
      'Извините, выгружать записи могут только руководители отделов и администраторы. ' +
        'Если нужен файл, попросите руководителя.',
    );
    await world.seller.sendCallbackData('ex:leads:csv');
    await world.hub.transfer.background.idle();
    expect(files.documents).toHaveLength(sent);
    expect(await world.hub.database.models.AuditEvent.countDocuments({ action: 'export' })).toBe(0);
  });

  it("gives a head only their department's leads, in English, as CSV", async () => {
    await helen.command('/export');
    expect(helen.lastText()).toBe('What to export?');
    await helen.press('Leads');
    expect(helen.lastText()).toBe('Export leads: choose the format.');
    await helen.press('CSV');
    await world.hub.transfer.background.idle();
    const file = files.documents.at(-1)!;
    expect(file.chatId).toBe(String(helen.id));
    expect(file.name).toMatch(/^leads-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.caption).toBe('Leads: 1 row.');
    const rows = parse(file.data, { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      'Created',
      'Name',
      'Phone',
      'Email',
      'Company',
      'Stage',
      'Source',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'Sales manager',
    ]);
    expect(rows.slice(1).map((row) => row.slice(1))).toEqual([
      [
        'Sales Client',
        '+79120000101',
        '',
        'Acme',
        'Identifying the need',
        'site form',
        'google',
        '',
        'spring',
        'Семён',
      ],
    ]);
  });

  it("gives a head their department's deals as XLSX", async () => {
    const file = await exportBy(helen, 'deals', 'XLSX');
    expect(file.name).toMatch(/^deals-.*\.xlsx$/);
    const rows = await xlsxRows(file.data);
    expect(column(rows, 'Name')).toEqual(['Deal Client']);
    expect(column(rows, 'Deal type')).toEqual(['Standard order']);
    expect(column(rows, 'Stage')).toEqual(['Documents']);
    expect(column(rows, 'Amount')).toEqual(['150000']);
    expect(column(rows, 'Operations manager')).toEqual(['Ольга']);
  });

  it("gives a head the contacts of their department's records", async () => {
    const file = await exportBy(helen, 'contacts', 'CSV');
    const rows = parse(file.data, { bom: true }) as string[][];
    expect(column(rows, 'Name').sort()).toEqual(['Deal Client', 'Sales Client']);
  });

  it('gives an admin everything, in Russian, a page at a time', async () => {
    const leads = await xlsxRows((await exportBy(world.admin, 'leads', 'XLSX')).data);
    expect(leads[0]!.slice(0, 3)).toEqual(['Создан', 'Имя', 'Телефон']);
    expect(column(leads, 'Имя').sort()).toEqual(['Ops Client', 'Sales Client', 'Waiting Client']);
    expect(column(leads, 'Стадия')).toEqual(Array(3).fill('Выявление потребности'));

    const contacts = await exportBy(world.admin, 'contacts', 'CSV');
    const total = await world.hub.database.models.Contact.countDocuments();
    expect(total).toBe(CROWD + 5);
    const rows = parse(contacts.data, { bom: true }) as string[][];
    expect(rows).toHaveLength(total + 1);
    expect(new Set(column(rows, 'Имя')).size).toBe(total);
    expect(contacts.caption).toBe('Контакты: 1105 строк.');
  });

  it('audits every export: who, what, format, whose records and how many rows', async () => {
    const events = await world.hub.database.models.AuditEvent.find({ action: 'export' })
      .sort({ at: 1, _id: 1 })
      .lean();
    const [helenId, adminId] = [String(await idOf(helen)), String(await idOf(world.admin))];
    const total = await world.hub.database.models.Contact.countDocuments();
    expect(
      events.map((event) => [String(event.actorUserId), event.subject.kind, event.after]),
    ).toEqual([
      [helenId, 'leads', expect.objectContaining({ format: 'csv', scope: 'department', count: 1 })],
      [
        helenId,
        'deals',
        expect.objectContaining({ format: 'xlsx', scope: 'department', count: 1 }),
      ],
      [helenId, 'contacts', expect.objectContaining({ format: 'csv', count: 2 })],
      [adminId, 'leads', { format: 'xlsx', scope: 'all', count: 3 }],
      [adminId, 'contacts', { format: 'csv', scope: 'all', count: total }],
    ]);
  });
});
