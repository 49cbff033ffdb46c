import path from 'node:path';
import { loadProcessDefinition } from '../../src/config/process/load-definition';
import type { Role, User } from '../../src/domain/user';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import type { Database } from '../../src/store/database';
import { plain } from '../../src/store/repositories/plain';
import { createProcess } from '../../src/wiring/process';
import { createStores } from '../../src/store/stores';
import { createStoredNotifier } from '../../src/store/repositories/notification.repository';
import { openTestDatabase } from './database';
import { ManualClock, ManualTimers } from './manual-timers';

export const defaultDefinition = () =>
  loadProcessDefinition(path.join(PROJECT_ROOT, 'config/process/default.yaml'));

let nextTelegramId = 70_000;

/** The seeds' company: a dispatcher and a head in sales, two sales and two operations managers. */
export async function seedCompany(database: Database) {
  const { Department, User: UserModel } = database.models;
  // A hub with the manager bot on has made the departments already.
  const department = (code: string, name: string) =>
    Department.findOneAndUpdate(
      { code },
      { $set: { name } },
      { upsert: true, returnDocument: 'after' },
    );
  const [sales, operations] = [
    await department('sales', 'Отдел продаж'),
    await department('operations', 'Делопроизводство'),
  ];
  const person = async (name: string, roles: Role[], department: typeof sales) =>
    plain<User>(
      (
        await UserModel.create({
          telegramId: nextTelegramId++,
          name,
          roles,
          departmentId: department!._id,
          online: true,
        })
      ).toObject(),
    );
  return {
    dispatcher: await person('Диспетчер Дарья', ['dispatcher'], sales),
    head: await person('Руководитель Роман', ['head'], sales),
    sales1: await person('Продавец Семён', ['manager'], sales),
    sales2: await person('Продавец Светлана', ['manager'], sales),
    ops1: await person('Оператор Ольга', ['manager'], operations),
    ops2: await person('Оператор Олег', ['manager'], operations),
  };
}

/** The real engine on the real database, with a clock and timers the test controls. */
export function processOnManualClock(database: Database, start = new Date('2026-12-01T07:00:00Z')) {
  const clock = new ManualClock(start);
  const timers = new ManualTimers(clock);
  const parts = createProcess({
    stores: createStores(database.models, clock),
    notifier: createStoredNotifier(database.models, { clock }),
    definition: defaultDefinition(),
    timers,
    clock,
    // Robots' messages are queued in the real outbox; no worker sends them here.
    clientMessages: {
      translate: (key) => key,
      wakeOutbox: () => {},
      onUndeliverable: () => {},
    },
  });
  timers.handlers = parts.handlers;
  return { ...parts, clock, timers };
}

/** A fresh database with the seeds' company in it, for one test file. */
export function seededDatabase() {
  const fixture = {} as {
    database: Database & { drop(): Promise<void> };
    org: Awaited<ReturnType<typeof seedCompany>>;
  };
  beforeAll(async () => {
    fixture.database = await openTestDatabase();
    fixture.org = await seedCompany(fixture.database);
  });
  afterAll(() => fixture.database.drop());
  return fixture;
}
