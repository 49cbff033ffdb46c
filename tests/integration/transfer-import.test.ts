import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { FakeUser } from '../support/fake-telegram';
import { startFakeTelegramFiles, type FakeTelegramFiles } from '../support/fake-telegram-files';
import { invite, registerTeam, useManagerBotWorld, world } from '../support/manager-bot-world';

const API_TOKEN = 'import-api-token-0123456789';
let files: FakeTelegramFiles;
beforeAll(async () => {
  files = await startFakeTelegramFiles(() => world.telegram.apiRoot);
});
// The hub's Bot API calls go through the file fake (read when the hub starts, after the above).
useManagerBotWorld({
  get TELEGRAM_API_ROOT() {
    return files.apiRoot;
  },
  API_TOKEN,
} as NodeJS.ProcessEnv);
afterAll(() => files.stop());

/** The head of sales, who speaks English. */
let helen: FakeUser;
const MB = 1024 * 1024;

const counts = async () => {
  const { Contact, Lead, Company, Task } = world.hub.database.models;
  return {
    contacts: await Contact.countDocuments(),
    leads: await Lead.countDocuments(),
    companies: await Company.countDocuments(),
    tasks: await Task.countDocuments(),
  };
};

/** Chooses what to import, sends the file as a document and waits for the import to finish. */
async function importByBot(
  person: FakeUser,
  button: string,
  file: { id: string; name: string; data: Buffer; size?: number },
) {
  files.upload(file.id, file.data);
  await person.command('/import');
  await person.press(button);
  const document = {
    file_id: file.id,
    file_name: file.name,
    file_size: file.size ?? file.data.length,
  };
  await person.say({ document });
  await world.hub.transfer.background.idle();
}

async function postImport(kind: string, body: Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`http://127.0.0.1:${world.hub.port}/api/import?kind=${kind}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'text/csv', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  await registerTeam();
  helen = world.telegram.user(1010, 'Helen', 'en');
  await invite('head', 'sales', helen);
  // A client the company already knows, with a lead under way.
  const { Contact, Lead } = world.hub.database.models;
  const known = await Contact.create({ name: 'Known Client', phones: ['+79120000001'] });
  await Lead.create({
    contactId: known._id,
    source: { kind: 'manual', method: 'other' },
    stage: 'identification',
  });
});

describe('importing in the bot', () => {
  const csv = [
    'Имя;Телефон;Почта;Компания;Источник',
    'Иван Петров;8 (912) 000-00-11;ivan@example.com;ООО Ромашка;Выставка',
    'Мария;+7 912 000-00-22;;;',
    'Иван П.;+79120000011;ivan.p@example.com;;',
    'Known Client;8 912 000 00 01;;;',
    // A blank line: skipped, and the lines below keep their numbers in the file.
    '',
    'Плохой Телефон;12345;;;',
    ';+79120000033;;;',
    'Без контактов;;;;',
  ].join('\n');

  it('imports good rows, merges duplicates and reports refused rows with reasons, in Russian', async () => {
    const before = await counts();
    await importByBot(world.admin, 'Лиды', {
      id: 'import-leads-1',
      name: 'лиды.csv',
      data: Buffer.from(`\uFEFF${csv}`),
    });

    const said = world.admin.texts();
    // One progress message, edited to its end.
    expect(said.filter((line) => line.startsWith('Импорт:'))).toEqual(['Импорт: 4 из 4 ✅']);
    expect(said.at(-1)).toBe(
      [
        'Импорт завершён.',
        'Импортировано: 2 (строки 2–3)',
        'Объединено с известными контактами или строками выше: 2 (строки 4–5)',
        'Отклонено: 3',
        'Строка 7: телефон — не настоящий номер',
        'Строка 8: нет имени',
        'Строка 9: нет ни телефона, ни почты',
      ].join('\n'),
    );

    // The refused rows come back as a file to correct, with the reason per row.
    const sent = files.documents.at(-1)!;
    expect(sent.chatId).toBe(String(world.admin.id));
    expect(sent.name).toBe('refused.csv');
    expect(sent.caption).toMatch(/^Отклонённые строки/);
    expect(parse(sent.data, { bom: true })).toEqual([
      ['Строка', 'Имя', 'Телефон', 'Почта', 'Компания', 'Источник', 'Причина'],
      ['7', 'Плохой Телефон', '12345', '', '', '', 'телефон — не настоящий номер'],
      ['8', '', '+79120000033', '', '', '', 'нет имени'],
      ['9', 'Без контактов', '', '', '', '', 'нет ни телефона, ни почты'],
    ]);

    // Two new people; the within-file duplicate is one contact with both emails.
    const { Contact, Lead, Company, Task, AuditEvent } = world.hub.database.models;
    const after = await counts();
    expect(after.contacts - before.contacts).toBe(2);
    const ivan = await Contact.findOne({ phones: '+79120000011' }).lean();
    expect(ivan).toMatchObject({
      name: 'Иван Петров',
      emails: ['ivan@example.com', 'ivan.p@example.com'],
    });
    expect((await Company.findById(ivan!.companyId).lean())!.name).toBe('ООО Ромашка');
    expect(await Contact.countDocuments({ phones: '+79120000001' })).toBe(1);

    // The process made the leads: the dispatcher has a task for each; the known client, who
    // already has a lead, got no second one.
    const imported = await Lead.find({ 'source.kind': 'import' }).lean();
    expect(imported).toHaveLength(2);
    expect(imported.map((lead) => lead.stage)).toEqual(['new', 'new']);
    expect(imported.find((lead) => String(lead.contactId) === String(ivan!._id))!.source).toEqual(
      expect.objectContaining({ kind: 'import', origin: 'Выставка' }),
    );
    expect(after.leads - before.leads).toBe(2);
    const dispatcher = await world.hub.database.models.User.findOne({
      telegramId: world.dispatcher.id,
    }).lean();
    const choose = await Task.find({
      assigneeId: dispatcher!._id,
      'subject.id': { $in: imported.map((lead) => lead._id.toHexString()) },
    }).lean();
    expect(choose).toHaveLength(2);
    expect(await AuditEvent.findOne({ action: 'import' }).lean()).toMatchObject({
      subject: { kind: 'leads' },
      after: { via: 'bot', imported: 2, merged: 2, refused: 3 },
    });
  });

  it('refuses a file without a required column as a whole, in English, writing nothing', async () => {
    const before = await counts();
    await importByBot(helen, 'Leads', {
      id: 'import-no-phone',
      name: 'people.csv',
      data: Buffer.from('Name,Company\nJohn Smith,Acme\n'),
    });
    expect(helen.lastText()).toBe(
      'The file was not imported: it has no column “Phone” or “Email”. Nothing was written. ' +
        'Add the column to the first row and send the file again.',
    );
    expect(await counts()).toEqual(before);
  });

  it('refuses a file over the limit without downloading it', async () => {
    const before = await counts();
    await importByBot(helen, 'Contacts with companies', {
      id: 'import-huge',
      name: 'huge.csv',
      data: Buffer.from('Name,Phone\n'),
      size: 50 * MB,
    });
    expect(helen.lastText()).toBe(
      'The file is larger than 20 MB and was not imported. ' +
        'Split it into smaller files and send them one by one.',
    );
    expect(files.downloads).not.toContain('import-huge');
    expect(await counts()).toEqual(before);
  });

  it('asks what a table sent without /import holds, then imports it', async () => {
    files.upload(
      'import-direct',
      Buffer.from('  FULL NAME ,E-Mail\nPeter Pan,peter@example.com\n'),
    );
    const document = { file_id: 'import-direct', file_name: 'contacts.csv', file_size: 50 };
    await helen.say({ document });
    expect(helen.lastText()).toBe('What does the file hold?');
    await helen.press('Contacts with companies');
    await world.hub.transfer.background.idle();
    expect(helen.lastText()).toBe(
      'Import finished.\nImported: 1 (lines 2)\n' +
        'Merged with known contacts or earlier rows: 0\nRefused: 0',
    );
    expect(
      await world.hub.database.models.Contact.findOne({ emails: 'peter@example.com' }).lean(),
    ).toMatchObject({ name: 'Peter Pan' });
  });

  it('refuses a manager politely', async () => {
    await world.seller.command('/import');
    expect(world.seller.lastText()).toBe(
      'Извините, импорт доступен только руководителям отделов и администраторам.',
    );
  });
});

describe('POST /api/import', () => {
  async function xlsx(rows: string[][]): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('contacts');
    for (const row of rows) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  it('imports contacts with companies from XLSX, merging and refusing as the bot does', async () => {
    const before = await counts();
    const file = await xlsx([
      ['NAME', 'Phone Number', 'E-mail', 'Company'],
      ['Olga Ivanova', '+7 912 000-00-44', 'olga@example.com', 'Vector LLC'],
      ['Olga I.', '', 'OLGA@example.com', ''],
      ['Maria K.', '+79120000022', 'maria@example.com', 'Vector LLC'],
      ['Nobody', 'not a phone', '', ''],
    ]);
    const { status, body } = await postImport('contacts', file, {
      'content-type': 'application/octet-stream',
      'accept-language': 'en',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      imported: [2],
      merged: [3, 4],
      refused: [{ line: 5, reason: 'bad_phone', message: 'the phone is not a valid number' }],
    });
    expect(parse(body.refusedCsv as string)).toEqual([
      ['Line', 'NAME', 'Phone Number', 'E-mail', 'Company', 'Reason'],
      ['5', 'Nobody', 'not a phone', '', '', 'the phone is not a valid number'],
    ]);
    const { Contact, Company } = world.hub.database.models;
    const after = await counts();
    // Contacts only: no lead, no task.
    expect(after).toEqual({
      ...before,
      contacts: before.contacts + 1,
      companies: before.companies + 1,
    });
    const vector = await Company.findOne({ name: 'Vector LLC' }).lean();
    expect(await Contact.findOne({ phones: '+79120000044' }).lean()).toMatchObject({
      emails: ['olga@example.com'],
      companyId: vector!._id,
    });
    // Мария was imported by the bot earlier: she gains the email and the company.
    expect(await Contact.findOne({ phones: '+79120000022' }).lean()).toMatchObject({
      name: 'Мария',
      emails: ['maria@example.com'],
      companyId: vector!._id,
    });
  });

  it('refuses a file without a required column, writing nothing', async () => {
    const before = await counts();
    const { status, body } = await postImport(
      'leads',
      Buffer.from('Телефон,Компания\n+79120000055,Acme\n'),
      { 'accept-language': 'ru' },
    );
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'missing_columns',
      missing: ['name'],
      message:
        'Файл не импортирован: в нём нет столбца «Имя». Ничего не записано. ' +
        'Добавьте столбец в первую строку и пришлите файл снова.',
    });
    expect(await counts()).toEqual(before);
  });

  it('refuses a 50 MB upload before reading it, writing nothing', async () => {
    const before = await counts();
    const row = 'Big Client,+79120000066\n';
    const huge = Buffer.from('Name,Phone\n' + row.repeat(Math.ceil((50 * MB) / row.length)));
    const { status, body } = await postImport('leads', huge, { 'accept-language': 'en' });
    expect(status).toBe(413);
    expect(body.error).toBe('too_large');
    expect(await counts()).toEqual(before);
  });

  it('answers 401 without the token and 400 for an unknown kind', async () => {
    const response = await fetch(`http://127.0.0.1:${world.hub.port}/api/import?kind=leads`, {
      method: 'POST',
      body: 'Name,Phone\n',
    });
    expect(response.status).toBe(401);
    expect((await postImport('deals', Buffer.from('Name,Phone\n'))).status).toBe(400);
  });
});
