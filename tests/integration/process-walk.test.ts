import { SYSTEM } from '../../src/app/process/actor';
import { ProcessError } from '../../src/app/process/errors';
import type { Task } from '../../src/domain/task';
import { plain } from '../../src/store/repositories/plain';
import { as, DAY, file, HOUR, processWalk } from '../support/process-walk';

const walk = processWalk();
const { fixture, openTasks, currentTask, stageOf, newLead, completeCurrent } = walk;
const { walkLeadToHandOff, dealsOf } = walk;
let process: ReturnType<typeof walk.process>;
beforeAll(() => {
  process = walk.process();
});

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
