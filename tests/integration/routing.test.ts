import type { Hub } from '../../src/hub';
import { auditEntry } from '../../bots/manager/routes.composer';
import { RoutingError } from '../../src/app/routing/routing-error';
import { StaffNames } from '../../src/app/staff/staff-names';
import { createDirectory } from '../../src/store/repositories/directory.repository';
import type { InboundMessage } from '../../src/domain/message';
import { isAdminUser, type Admin } from '../../src/domain/user';
import { testDatabaseUri } from '../support/database';
import { startTestHub } from '../support/hub';
import { seedCompany } from '../support/process';

let hub: Hub;
let staff: Awaited<ReturnType<typeof seedCompany>>;
let admin: Admin;
let nextId = 1;

// Monday 23 November 2026, 12:00 in Moscow; Saturday 28 November, 12:00.
const MONDAY = new Date('2026-11-23T09:00:00Z');
const SATURDAY = new Date('2026-11-28T09:00:00Z');

beforeAll(async () => {
  hub = await startTestHub(testDatabaseUri(), { HUB_SECRET: 'routing-test-secret-123' });
  staff = await seedCompany(hub.database);
  const made = { ...staff.head, roles: ['admin' as const] };
  if (!isAdminUser(made)) throw new Error('an admin is expected');
  admin = made;
  for (const line of [
    'outside=mon-fri/09:00-18:00 -> dispatcher',
    `channel=vk utm_source=ads -> manager ${staff.sales1.name}`,
    '* -> round_robin sales',
  ]) {
    await hub.routing.editor.add(admin, line);
  }
});
afterAll(async () => {
  await hub.database.connection.dropDatabase();
  await hub.stop();
});

/** A new customer writes; answers who owns the lead that opened (undefined: the dispatcher). */
async function newLeadFrom(channel: InboundMessage['channel'], at: Date, utmSource?: string) {
  const id = String(nextId++);
  await hub.messaging.ingest({
    channel,
    externalId: `route-${id}`,
    senderId: `customer-${id}`,
    chatId: `customer-${id}`,
    text: 'Здравствуйте',
    attachments: [],
    ...(utmSource ? { origin: { utm: { source: utmSource } } } : {}),
    sentAt: at,
  });
  const contact = await hub.database.models.Contact.findOne({
    identityKeys: `${channel}:customer-${id}`,
  }).lean();
  const lead = await hub.database.models.Lead.findOne({ contactId: contact!._id }).lean();
  return lead!.responsibles?.sales?.toHexString();
}

describe('routing new leads by the rules', () => {
  it('sends VK ads leads to one manager, others round-robin, out-of-hours to the dispatcher', async () => {
    expect(await newLeadFrom('vk', MONDAY, 'ads')).toBe(staff.sales1.id);
    const turns = [
      await newLeadFrom('telegram', MONDAY),
      await newLeadFrom('widget', MONDAY),
      await newLeadFrom('telegram', MONDAY),
    ];
    expect(new Set(turns)).toEqual(new Set([staff.sales1.id, staff.sales2.id]));
    expect(turns[0]).not.toBe(turns[1]);
    expect(turns[2]).toBe(turns[0]);
    expect(await newLeadFrom('vk', SATURDAY, 'ads')).toBeUndefined();
  });

  it('skips a manager who went offline, and falls back to the dispatcher when nobody is left', async () => {
    const { User: Users } = hub.database.models;
    await Users.updateOne({ _id: staff.sales2.id }, { $set: { online: false } });
    expect(await newLeadFrom('telegram', MONDAY)).toBe(staff.sales1.id);
    expect(await newLeadFrom('telegram', MONDAY)).toBe(staff.sales1.id);
    await Users.updateOne({ _id: staff.sales1.id }, { $set: { online: false } });
    expect(await newLeadFrom('vk', MONDAY, 'ads')).toBeUndefined();
    await Users.updateMany({}, { $set: { online: true } });
  });

  it('follows a changed rule at once, and the previous one again after undo, with both audited', async () => {
    await hub.routing.editor.edit(
      admin,
      2,
      `channel=vk utm_source=ads -> manager ${staff.sales2.name}`,
    );
    expect(await newLeadFrom('vk', MONDAY, 'ads')).toBe(staff.sales2.id);

    await hub.routing.editor.undo(admin);
    expect(await newLeadFrom('vk', MONDAY, 'ads')).toBe(staff.sales1.id);

    const [undo, edit] = await hub.routing.editor.recentChanges(2);
    // Both as an admin reads them in /audit: who undid it, and that the edit was undone; rule 2
    // then gave the lead to that manager.
    const reader = { t: hub.translator.forLocale('ru'), lng: 'ru' as const };
    const names = { nameOf: new StaffNames(createDirectory(hub.database.models)).nameOf };
    const audit = { ...names, timeZone: 'Europe/Moscow' };
    const undoShown = await auditEntry(undo!, audit, reader);
    expect(undoShown).toContain(admin.name);
    expect(undoShown).toContain(reader.t('admin:audit.actions.undo'));
    const shown = await auditEntry(edit!, audit, reader);
    expect(shown).toContain(reader.t('admin:audit.actions.edit'));
    expect(shown).toContain(reader.t('admin:audit.undone'));
    expect(shown).toMatch(
      new RegExp(
        `\\nСтало:\\n1\\. .*\\n2\\. channel=vk utm_source=ads → менеджеру ${staff.sales2.name}\\n`,
      ),
    );
  });

  it('refuses an invalid change with its reasons and saves nothing', async () => {
    const before = await hub.routing.editor.list();
    // The reasons as the admin reads them in the bot (each problem through its text).
    const t = hub.translator.forLocale('ru');
    const refusal = (work: Promise<unknown>) =>
      work.then(
        () => [],
        (error: unknown) => {
          expect(error).toBeInstanceOf(RoutingError);
          return (error as RoutingError).problems.map((problem) =>
            t(`admin:problems.${problem.code}`, { ...problem }),
          );
        },
      );

    expect(await refusal(hub.routing.editor.add(admin, 'channel=vk -> manager Никто'))).toEqual([
      'нет активного сотрудника «Никто»',
    ]);
    expect(
      await refusal(hub.routing.editor.add(admin, 'channel=viber -> least_loaded sales')),
    ).toEqual(['правило 4 никогда не сработает: его перекрывает правило 3']);
    expect(await refusal(hub.routing.editor.add(admin, 'lang= -> round_robin marketing'))).toEqual([
      'у условия «lang» нет значения',
    ]);
    expect(await hub.routing.editor.list()).toEqual(before);
  });
});
