import { SYSTEM, type Actor } from '../../src/app/process/actor';
import { ProcessError } from '../../src/app/process/errors';
import type { Task, TaskSubject } from '../../src/domain/task';
import type { User } from '../../src/domain/user';
import { plain } from '../../src/store/repositories/plain';
import { processOnManualClock, seededDatabase } from '../support/process';

const fixture = seededDatabase();
let process: ReturnType<typeof processOnManualClock>;
beforeAll(() => {
  process = processOnManualClock(fixture.database);
});

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const as = (user: User): Actor => ({ kind: 'user', user });
const file = (name: string) => ({ fileRef: `tg:${name}`, name });

async function openTasks(subject: TaskSubject): Promise<Task[]> {
  const docs = await fixture.database.models.Task.find({
    'subject.kind': subject.kind,
    'subject.id': subject.id,
    status: 'open',
  }).lean();
  return docs.map((doc) => plain<Task>(doc));
}

/** The one open chain task of a record: the chain always has exactly one. */
async function currentTask(subject: TaskSubject): Promise<Task> {
  const tasks = (await openTasks(subject)).filter((task) => task.chain);
  expect(tasks).toHaveLength(1);
  return tasks[0]!;
}

async function stageOf(subject: TaskSubject): Promise<string> {
  const doc =
    subject.kind === 'lead'
      ? await fixture.database.models.Lead.findById(subject.id).lean()
      : await fixture.database.models.Deal.findById(subject.id).lean();
  return doc!.stage;
}

async function newLead(): Promise<TaskSubject> {
  const contact = await fixture.database.models.Contact.create({ name: 'ООО Ромашка' });
  const lead = await process.engine.createLead({
    contactId: contact._id.toHexString(),
    source: { kind: 'channel', channel: 'telegram' },
    utm: { source: 'ads' },
  });
  return lead.subject;
}

/** Completes the current chain task as its assignee, after letting `hours` pass. */
async function completeCurrent(subject: TaskSubject, hours = 1, input = {}): Promise<Task> {
  await process.timers.advanceBy(hours * HOUR);
  const task = await currentTask(subject);
  const assignee = Object.values(fixture.org).find((user) => user.id === task.assigneeId)!;
  await process.engine.completeTask(task.id, as(assignee), input);
  return task;
}

async function walkLeadToHandOff(): Promise<TaskSubject> {
  const lead = await newLead();
  const dispatch = await currentTask(lead);
  expect(dispatch).toMatchObject({
    assigneeId: fixture.org.dispatcher.id,
    chain: { stepId: 'choose_manager' },
  });

  await process.engine.completeTask(dispatch.id, as(fixture.org.dispatcher), {
    assignTo: fixture.org.sales1.id,
  });
  expect(await stageOf(lead)).toBe('identification');
  expect((await currentTask(lead)).assigneeId).toBe(fixture.org.sales1.id);

  await completeCurrent(lead); // first_contact
  await completeCurrent(lead); // qualify → proposal
  expect(await stageOf(lead)).toBe('proposal');
  await completeCurrent(lead); // send_proposal
  expect((await currentTask(lead)).chain?.stepId).toBe('hand_off');
  return lead;
}

async function dealsOf(lead: TaskSubject) {
  const deals = await fixture.database.models.Deal.find({ leadId: lead.id })
    .sort({ type: 1 })
    .lean();
  return deals.map((deal) =>
    plain<{ id: string; type: string; stage: string; responsibles: Record<string, string> }>(deal),
  );
}

describe('the default process, end to end on a controllable clock', () => {
  it('inbound lead → dispatcher → sales → hand-off into two deals → each chain to won', async () => {
    const lead = await walkLeadToHandOff();

    // Hand-off is refused while the proposal stage's required fields are empty, naming them.
    const handOff = await currentTask(lead);
    const refusal = await process.engine
      .completeTask(handOff.id, as(fixture.org.sales1), { dealTypes: ['standard', 'design'] })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ProcessError);
    expect((refusal as ProcessError).missing.map((field) => field.field)).toEqual([
      'employees',
      'area',
      'brief',
    ]);
    expect(await dealsOf(lead)).toEqual([]);

    await process.engine.fillFields(
      lead,
      { employees: 40, area: '120 м²', brief: file('brief.pdf') },
      as(fixture.org.sales1),
    );
    await process.engine.completeTask(handOff.id, as(fixture.org.sales1), {
      dealTypes: ['standard', 'design'],
      operations: { standard: fixture.org.ops1.id, design: fixture.org.ops2.id },
    });
    expect(await stageOf(lead)).toBe('qualified');
    const [design, standard] = await dealsOf(lead);
    expect(standard).toMatchObject({ type: 'standard', stage: 'documents' });
    expect(design).toMatchObject({ type: 'design', stage: 'design_brief' });
    // Hand-off keeps the sales manager beside the new operations manager.
    expect(standard!.responsibles).toMatchObject({
      sales: fixture.org.sales1.id,
      operations: fixture.org.ops1.id,
    });
    expect(design!.responsibles).toMatchObject({
      sales: fixture.org.sales1.id,
      operations: fixture.org.ops2.id,
    });

    // Standard order: documents → prepayment → production → shipping → won.
    const std = { kind: 'deal', id: standard!.id } as const;
    expect((await currentTask(std)).assigneeId).toBe(fixture.org.ops1.id);
    await completeCurrent(std); // prepare_contract
    await expect(completeCurrent(std)).rejects.toMatchObject({ code: 'missing_fields' });
    await process.engine.fillFields(std, { spec: file('spec.xlsx') }, as(fixture.org.ops1));
    await expect(completeCurrent(std, 0)).rejects.toMatchObject({ code: 'missing_fields' });
    // The deal's amount, typed as a person would: the deal carries it for the reports.
    await process.engine.fillFields(std, { amount: '150 000 ₽' }, as(fixture.org.ops1));
    expect(await fixture.database.models.Deal.findById(standard!.id).lean()).toMatchObject({
      amount: 150000,
      currency: 'RUB',
      fields: { amount: { amount: 150000, currency: 'RUB' } },
    });
    await completeCurrent(std, 0); // send_invoice → prepayment
    expect(await stageOf(std)).toBe('prepayment');

    // Seed 002: two days after the invoice the sales manager is asked to call.
    await process.timers.advanceBy(2 * DAY);
    const followUps = (await openTasks(std)).filter((task) => !task.chain);
    expect(followUps.map((task) => [task.title.en, task.assigneeId])).toEqual([
      ['Call the client about the invoice', fixture.org.sales1.id],
    ]);

    await completeCurrent(std); // confirm_payment → production
    await completeCurrent(std); // production_done → shipping
    await process.engine.fillFields(
      std,
      { closing_documents: file('upd.pdf') },
      as(fixture.org.ops1),
    );
    await completeCurrent(std); // ship → won
    expect(await stageOf(std)).toBe('won');
    expect(await openTasks(std)).toEqual(
      followUps.map((task) => expect.objectContaining({ id: task.id })),
    );

    // Design order: designer → client approval (layout required) → production → shipping → won.
    const des = { kind: 'deal', id: design!.id } as const;
    await completeCurrent(des); // brief_designer → approval
    await process.engine.fillFields(
      des,
      { layout: file('layout.png'), amount: '2 500 USD' },
      as(fixture.org.ops2),
    );
    await completeCurrent(des); // get_approval → production
    await completeCurrent(des); // production_done → shipping
    await process.engine.fillFields(
      des,
      { closing_documents: file('act.pdf') },
      as(fixture.org.ops2),
    );
    await completeCurrent(des); // ship → won
    expect(await stageOf(des)).toBe('won');

    // On won: the sales manager is told, and 15 days later asked to collect feedback.
    const told = await fixture.database.models.Notification.find({
      userId: fixture.org.sales1.id,
      kind: 'robot',
    }).lean();
    expect(told).toHaveLength(2);
    await process.timers.advanceBy(15 * DAY);
    const feedback = (await openTasks(des)).filter(
      (task) => task.title.en === 'Ask the client for feedback',
    );
    expect(feedback.map((task) => task.assigneeId)).toEqual([fixture.org.sales1.id]);
  });

  it('problem in operations → red task and alert → back to sales → lost with a reason', async () => {
    const lead = await walkLeadToHandOff();
    await process.engine.fillFields(
      lead,
      { employees: 5, area: '30 м²', brief: file('b.pdf') },
      as(fixture.org.sales1),
    );
    await completeCurrent(lead, 1, { dealTypes: ['standard'] });
    const [deal] = await dealsOf(lead);
    const subject = { kind: 'deal', id: deal!.id } as const;
    const operations = Object.values(fixture.org).find(
      (user) => user.id === deal!.responsibles.operations,
    )!;

    const red = await process.engine.raiseProblem(
      subject,
      as(operations),
      'Клиент хочет отменить заказ',
    );
    expect(red).toMatchObject({ assigneeId: fixture.org.sales1.id, problem: true });
    // The deal waits at the problem stage: its operations chain stopped, only the red task is open.
    expect(await stageOf(subject)).toBe('problem');
    expect((await openTasks(subject)).map((task) => task.problem)).toEqual([true]);
    const alerts = await fixture.database.models.Notification.find({
      audience: 'heads',
      kind: 'problem',
    }).lean();
    expect(alerts.map((alert) => (alert.payload as { reason: string }).reason)).toEqual([
      'Клиент хочет отменить заказ',
    ]);

    // Only sales closes as lost, and only with a reason.
    await expect(process.engine.closeLost(subject, as(operations), 'отказ')).rejects.toMatchObject({
      code: 'not_allowed',
    });
    await expect(
      process.engine.closeLost(subject, as(fixture.org.sales1), '  '),
    ).rejects.toMatchObject({
      code: 'reason_required',
    });
    await process.engine.closeLost(subject, as(fixture.org.sales1), 'Клиент ушёл к конкуренту');

    const closed = await fixture.database.models.Deal.findById(deal!.id).lean();
    expect(closed).toMatchObject({ stage: 'lost', closed: 'lost' });
    expect((closed!.fields as Record<string, unknown>).lostReason).toBe('Клиент ушёл к конкуренту');
    // Closing settles the problem: nothing stays open on a lost deal.
    expect(await openTasks(subject)).toEqual([]);
    expect(closed!.fields).toMatchObject({ openProblem: null });
    const audit = await fixture.database.models.AuditEvent.find({ 'subject.id': deal!.id })
      .sort({ at: 1, _id: 1 })
      .lean();
    expect(audit.map((event) => [event.action, String(event.actorUserId)])).toEqual([
      ['deal.problem', operations.id],
      ['deal.lost', fixture.org.sales1.id],
    ]);
    expect(audit[1]!.after).toEqual({ stage: 'lost', reason: 'Клиент ушёл к конкуренту' });
  });

  it('a problem stops the chain and its timers; resolving it resumes the step that was open', async () => {
    const lead = await walkLeadToHandOff();
    await process.engine.fillFields(
      lead,
      { employees: 5, area: '30 м²', brief: file('b.pdf') },
      as(fixture.org.sales1),
    );
    await completeCurrent(lead, 1, { dealTypes: ['standard'] });
    const [deal] = await dealsOf(lead);
    const subject = { kind: 'deal', id: deal!.id } as const;
    await completeCurrent(subject); // prepare_contract
    const invoice = await currentTask(subject);
    expect(invoice.chain?.stepId).toBe('send_invoice');
    const operations = Object.values(fixture.org).find((user) => user.id === invoice.assigneeId)!;

    const red = await process.engine.raiseProblem(subject, as(operations), 'Клиент недоволен');
    // Operations can no longer move the chain on; its task's overdue reminder never comes.
    await expect(process.engine.completeTask(invoice.id, as(operations))).rejects.toMatchObject({
      code: 'task_not_open',
    });
    await process.timers.advanceBy(DAY);
    expect(
      await fixture.database.models.Notification.countDocuments({
        kind: 'task_overdue',
        'payload.task.id': invoice.id,
      }),
    ).toBe(0);
    expect((await openTasks(subject)).filter((task) => task.chain)).toEqual([]);

    await process.engine.completeTask(red.id, as(fixture.org.sales1));
    expect(await stageOf(subject)).toBe('documents');
    const resumed = await currentTask(subject);
    expect(resumed).toMatchObject({
      chain: { stepId: 'send_invoice' },
      assigneeId: operations.id,
    });
    expect(resumed.id).not.toBe(invoice.id);
    expect((await fixture.database.models.Deal.findById(deal!.id).lean())!.fields).toMatchObject({
      openProblem: null,
    });
  });

  it("a problem holds the stage's follow-up too; resolving arms it again from then", async () => {
    const lead = await walkLeadToHandOff();
    await process.engine.fillFields(
      lead,
      { employees: 5, area: '30 м²', brief: file('b.pdf') },
      as(fixture.org.sales1),
    );
    await completeCurrent(lead, 1, { dealTypes: ['standard'] });
    const [deal] = await dealsOf(lead);
    const subject = { kind: 'deal', id: deal!.id } as const;
    await completeCurrent(subject); // prepare_contract
    await process.engine.fillFields(subject, { spec: file('spec.xlsx'), amount: 90000 }, SYSTEM);
    await completeCurrent(subject, 0); // send_invoice → prepayment
    const calls = async () =>
      (await openTasks(subject)).filter((t) => t.title.en === 'Call the client about the invoice');

    await process.timers.advanceBy(DAY);
    const red = await process.engine.raiseProblem(subject, SYSTEM, 'Клиент оспаривает счёт');
    // The call two days after the invoice does not come while the problem is open.
    await process.timers.advanceBy(2 * DAY);
    expect(await calls()).toEqual([]);

    await process.engine.completeTask(red.id, as(fixture.org.sales1));
    expect(await stageOf(subject)).toBe('prepayment');
    expect((await currentTask(subject)).chain?.stepId).toBe('confirm_payment');
    await process.timers.advanceBy(DAY);
    expect(await calls()).toEqual([]);
    await process.timers.advanceBy(DAY + HOUR);
    expect((await calls()).map((task) => task.assigneeId)).toEqual([fixture.org.sales1.id]);
  });

  it('skips the dispatcher for a cold call: the creator owns the lead at once', async () => {
    const contact = await fixture.database.models.Contact.create({ name: 'ИП Петров' });
    const lead = await process.engine.createLead(
      { contactId: contact._id.toHexString(), source: { kind: 'manual', method: 'cold_call' } },
      fixture.org.sales2.id,
    );
    expect(lead.stage).toBe('identification');
    expect(lead.responsibles).toEqual({ sales: fixture.org.sales2.id });
    expect((await currentTask(lead.subject)).assigneeId).toBe(fixture.org.sales2.id);
  });

  it('refuses a replayed button, a stranger, and a move that skips the declared path', async () => {
    const lead = await newLead();
    const dispatch = await currentTask(lead);
    await expect(
      process.engine.completeTask(dispatch.id, as(fixture.org.sales2), {
        assignTo: fixture.org.sales2.id,
      }),
    ).rejects.toMatchObject({ code: 'not_allowed' });
    await expect(
      process.engine.completeTask(dispatch.id, as(fixture.org.dispatcher), {
        assignTo: fixture.org.ops1.id,
      }),
    ).rejects.toMatchObject({ code: 'needs_assignee' });
    await process.engine.completeTask(dispatch.id, as(fixture.org.dispatcher), {
      assignTo: fixture.org.sales2.id,
    });
    await expect(
      process.engine.completeTask(dispatch.id, as(fixture.org.dispatcher), {
        assignTo: fixture.org.sales1.id,
      }),
    ).rejects.toMatchObject({ code: 'task_not_open' });
    const responsibles = (await fixture.database.models.Lead.findById(lead.id).lean())!
      .responsibles;
    expect(String(responsibles?.sales)).toBe(fixture.org.sales2.id);
    await expect(process.engine.moveStage(lead, 'qualified', SYSTEM)).rejects.toMatchObject({
      code: 'move_not_allowed',
    });
  });

  it('an ad-hoc task lives beside the chain and never breaks it', async () => {
    const lead = await newLead();
    await process.engine.completeTask((await currentTask(lead)).id, as(fixture.org.dispatcher), {
      assignTo: fixture.org.sales1.id,
    });
    const adHoc = await process.engine.addTask(as(fixture.org.sales1), {
      title: 'Отправить каталог',
      due: new Date(process.clock.now().getTime() + DAY),
      subject: lead,
    });

    await completeCurrent(lead); // first_contact: the chain goes on as declared
    expect((await currentTask(lead)).chain?.stepId).toBe('qualify');
    await process.engine.completeTask(adHoc.id, as(fixture.org.sales1));
    expect((await currentTask(lead)).chain?.stepId).toBe('qualify');
    expect(await stageOf(lead)).toBe('identification');

    // A stage move cancels the old stage's chain task only; another ad-hoc task stays open.
    const second = await process.engine.addTask(as(fixture.org.sales1), {
      title: 'Уточнить реквизиты',
      due: new Date(process.clock.now().getTime() + DAY),
      subject: lead,
    });
    await completeCurrent(lead); // qualify → proposal
    expect((await openTasks(lead)).map((task) => task.id)).toContain(second.id);
  });

  it('postponing moves the due time and its overdue alert, and is recorded', async () => {
    const lead = await newLead();
    const task = await currentTask(lead);
    const later = new Date(process.clock.now().getTime() + DAY);
    await process.engine.postponeTask(task.id, later, as(fixture.org.dispatcher), 'жду звонка');

    // The original due time passes quietly; the new one raises the overdue notice once.
    const overdue = () =>
      fixture.database.models.Notification.countDocuments({
        kind: 'task_overdue',
        'payload.task.id': task.id,
      });
    await process.timers.advanceBy(2 * HOUR);
    expect(await overdue()).toBe(0);
    await process.timers.advanceBy(DAY);
    expect(await overdue()).toBe(1);
    const stored = plain<Task>(await fixture.database.models.Task.findById(task.id).lean());
    expect(stored.due).toEqual(later);
    expect(stored.postponements).toEqual([
      expect.objectContaining({
        from: task.due,
        to: later,
        byUserId: fixture.org.dispatcher.id,
        reason: 'жду звонка',
      }),
    ]);
  });
});
