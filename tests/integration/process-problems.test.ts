import { SYSTEM } from '../../src/app/process/actor';
import { as, DAY, file, HOUR, processWalk } from '../support/process-walk';

const walk = processWalk();
const { fixture, openTasks, currentTask, stageOf, completeCurrent } = walk;
const { standardDeal, standardDealAtInvoice } = walk;
let process: ReturnType<typeof walk.process>;
beforeAll(() => {
  process = walk.process();
});

describe('a problem in the default process, on a controllable clock', () => {
  it('problem in operations → red task and alert → back to sales → lost with a reason', async () => {
    const { deal, subject } = await standardDeal();
    const operations = Object.values(fixture.org).find(
      (user) => user.id === deal.responsibles.operations,
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
    const { deal, subject } = await standardDealAtInvoice();
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
    const { subject } = await standardDealAtInvoice();
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
});
