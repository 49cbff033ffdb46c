import type { Actor } from '../../src/app/process/actor';
import type { Task, TaskSubject } from '../../src/domain/task';
import type { User } from '../../src/domain/user';
import { plain } from '../../src/store/repositories/plain';
import { processOnManualClock, seededDatabase } from './process';

export const HOUR = 60 * 60_000;
export const DAY = 24 * HOUR;
export const as = (user: User): Actor => ({ kind: 'user', user });
export const file = (name: string) => ({ fileRef: `tg:${name}`, name });

/**
 * The default process on a seeded database and a manual clock, with the steps the walks through
 * it share: open tasks, the chain's current task, completing it as its assignee, a lead walked
 * to its hand-off.
 */
export function processWalk() {
  const fixture = seededDatabase();
  let process!: ReturnType<typeof processOnManualClock>;
  beforeAll(() => {
    process = processOnManualClock(fixture.database);
  });

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
      plain<{ id: string; type: string; stage: string; responsibles: Record<string, string> }>(
        deal,
      ),
    );
  }

  /** A lead handed off into one standard deal, at the deal's first stage. */
  async function standardDeal() {
    const lead = await walkLeadToHandOff();
    await process.engine.fillFields(
      lead,
      { employees: 5, area: '30 м²', brief: file('b.pdf') },
      as(fixture.org.sales1),
    );
    await completeCurrent(lead, 1, { dealTypes: ['standard'] });
    const [deal] = await dealsOf(lead);
    return { deal: deal!, subject: { kind: 'deal', id: deal!.id } as const };
  }

  /** A lead handed off into one standard deal, its contract prepared: the invoice is next. */
  async function standardDealAtInvoice() {
    const { deal, subject } = await standardDeal();
    await completeCurrent(subject); // prepare_contract
    return { deal, subject };
  }

  return {
    fixture,
    process: () => process,
    openTasks,
    currentTask,
    stageOf,
    newLead,
    completeCurrent,
    walkLeadToHandOff,
    dealsOf,
    standardDeal,
    standardDealAtInvoice,
  };
}
