import { ManualLeads } from '../app/intake/manual-lead';
import { SYSTEM, type Actor } from '../app/process/actor';
import type { ProcessEngine } from '../app/process/engine';
import type { TaskSubject } from '../domain/task';
import type { Locale, User } from '../domain/user';
import type { Models } from '../store/models';
import { createContactRepository } from '../store/repositories/contact.repository';
import { createFileStore } from '../store/repositories/file.repository';
import { createOrganisationStore } from '../store/repositories/organisation.repository';
import { createStaffStore } from '../store/repositories/staff.repository';
import { createTaskRepository } from '../store/repositories/task.repository';
import { DEMO_STAFF, HEADS_GROUP } from './demo-people';

const HOUR = 60 * 60_000;

/**
 * The demo company, made through the same use cases the bot calls, so what the page shows is real
 * data with real tasks, notices and timers behind it: the staff and the heads' group, leads at
 * several stages, one deal with operations, and one overdue task. Runs on an empty database only.
 */
export async function seedDemoCompany(deps: {
  models: Models;
  engine: ProcessEngine;
  language: Locale;
  now: Date;
}): Promise<void> {
  const { models, engine } = deps;
  const staffStore = createStaffStore(models);
  const people: Record<string, User> = {};
  for (const code of ['sales', 'operations']) await staffStore.ensureDepartment(code);
  for (const person of DEMO_STAFF) {
    const user = await staffStore.register({
      telegramId: person.telegramId,
      name: person.name,
      role: person.role,
      ...(person.department ? { departmentCode: person.department } : {}),
      language: deps.language,
    });
    // Everyone is at work: routing and the widget's "we are online" see them.
    await staffStore.setOnline(user.id, true);
    people[person.key] = { ...user, online: true };
  }
  await createOrganisationStore(models).setAlertChat(HEADS_GROUP.id);

  const as = (key: string): Actor => ({ kind: 'user', user: people[key]! });
  const tasks = createTaskRepository(models);
  const manualLeads = new ManualLeads({ contacts: createContactRepository(models), engine });
  const current = async (subject: TaskSubject) =>
    (await tasks.listOpen({ subject })).find((task) => task.chain);
  const complete = async (subject: TaskSubject, who: string, input = {}) => {
    const task = await current(subject);
    if (task) await engine.completeTask(task.id, as(who), input);
  };
  const lead = (name: string, phone: string, creator: string, source: 'cold_call' | 'referral') =>
    manualLeads.create(people[creator]!, { name, phone, source });

  // A referral the dispatcher gave to Семён: he is identifying the need.
  const romashka = (await lead('ООО Ромашка', '+7 912 000-11-01', 'seller', 'referral')).subject;
  await complete(romashka, 'dispatcher', { assignTo: people.seller!.id });

  // Семён's cold call, brief and all, waiting for him to hand it off to operations.
  const sidorov = (await lead('ИП Сидоров', '+7 912 000-11-02', 'seller', 'cold_call')).subject;
  await walkToHandOff(sidorov, 'seller');

  // Мария's client is already with operations: a standard order at its documents stage.
  const vector = (await lead('ЗАО Вектор', '+7 912 000-11-03', 'seller2', 'cold_call')).subject;
  await walkToHandOff(vector, 'seller2');
  await complete(vector, 'seller2', {
    dealTypes: ['standard'],
    operations: { standard: people.operator!.id },
  });

  // A new cold call of Мария's, just entered.
  await lead('Кафе «Пышка»', '+7 912 000-11-04', 'seller2', 'cold_call');

  // The overdue one: a call Семён should have made two hours ago.
  await engine.addTask(SYSTEM, {
    title: { ru: 'Перезвонить по счёту', en: 'Call back about the invoice' },
    due: new Date(deps.now.getTime() - 2 * HOUR),
    subject: romashka,
    assigneeId: people.seller!.id,
  });

  async function walkToHandOff(subject: TaskSubject, who: string) {
    await complete(subject, who); // contact the client
    await complete(subject, who); // identify the need → proposal
    const brief = await createFileStore(models).put({
      name: 'brief.pdf',
      mimeType: 'application/pdf',
      data: Buffer.from('%PDF-1.4 linehub sandbox brief'),
    });
    await engine.fillFields(
      subject,
      { employees: 25, area: '80 м²', brief: { fileRef: brief.id, name: 'brief.pdf' } },
      as(who),
    );
    await complete(subject, who); // send the proposal → the hand-off task is next
  }
}
