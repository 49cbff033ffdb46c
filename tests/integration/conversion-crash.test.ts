import type { Actor } from '../../src/app/process/actor';
import { ProcessEngine } from '../../src/app/process/engine';
import type { RecordStore } from '../../src/app/process/ports';
import type { Task } from '../../src/domain/task';
import { createRecordAudit } from '../../src/store/repositories/record-audit.repository';
import { createConversionLog } from '../../src/store/repositories/conversion.repository';
import { createDirectory } from '../../src/store/repositories/directory.repository';
import { createStoredNotifier } from '../../src/store/repositories/notification.repository';
import { plain } from '../../src/store/repositories/plain';
import { createRecordRepository } from '../../src/store/repositories/record.repository';
import { createTaskRepository } from '../../src/store/repositories/task.repository';
import { defaultDefinition, processOnManualClock, seededDatabase } from '../support/process';

const fixture = seededDatabase();

const as = (user: { id: string }): Actor => ({
  kind: 'user',
  user: Object.values(fixture.org).find((candidate) => candidate.id === user.id)!,
});

/** Walks a new lead to its hand-off task with every required field filled. */
async function leadAtHandOff(engine: ProcessEngine) {
  const contact = await fixture.database.models.Contact.create({ name: 'АО Вектор' });
  // The client wrote in Telegram once, so a robot's message to them has a channel.
  await fixture.database.models.Conversation.create({
    contactId: contact._id,
    channel: 'telegram',
    chatId: `conversion-${contact._id.toHexString()}`,
    open: true,
  });
  const lead = await engine.createLead(
    { contactId: contact._id.toHexString(), source: { kind: 'manual', method: 'cold_visit' } },
    fixture.org.sales1.id,
  );
  await engine.fillFields(
    lead.subject,
    {
      employees: 12,
      area: '80 м²',
      brief: { fileRef: 'tg:brief', name: 'brief.pdf' },
      company: 'АО Вектор',
      taxId: '7701234567',
    },
    as(fixture.org.sales1),
  );
  for (;;) {
    const [task] = (
      await fixture.database.models.Task.find({
        'subject.id': lead.subject.id,
        status: 'open',
      }).lean()
    ).map((doc) => plain<Task>(doc));
    if (task!.chain!.stepId === 'hand_off') return { lead: lead.subject, handOff: task! };
    await engine.completeTask(task!.id, as(fixture.org.sales1));
  }
}

const dealCount = (leadId: string) => fixture.database.models.Deal.countDocuments({ leadId });

describe('converting a lead into deals', () => {
  it('a crash in the middle, then a restart, ends with exactly the declared deals', async () => {
    const healthy = processOnManualClock(fixture.database);
    const { lead, handOff } = await leadAtHandOff(healthy.engine);

    // The process dies right after writing the first deal.
    const records = createRecordRepository(fixture.database.models, healthy.clock);
    let inserted = 0;
    const crashing: RecordStore = {
      ...records,
      insertDeal: async (deal) => {
        if (inserted++ === 1) throw new Error('process killed');
        return records.insertDeal(deal);
      },
    };
    const crashingEngine = new ProcessEngine({
      definition: defaultDefinition(),
      records: crashing,
      tasks: createTaskRepository(fixture.database.models),
      directory: createDirectory(fixture.database.models),
      conversions: createConversionLog(fixture.database.models),
      audit: createRecordAudit(fixture.database.models),
      notifier: createStoredNotifier(fixture.database.models, { clock: healthy.clock }),
      clients: healthy.clients,
      timers: healthy.timers,
      clock: healthy.clock,
    });
    await expect(
      crashingEngine.completeTask(handOff.id, as(fixture.org.sales1), {
        dealTypes: ['standard', 'design'],
      }),
    ).rejects.toThrow('process killed');
    expect(await dealCount(lead.id)).toBe(1);
    // Nothing was claimed: the hand-off task is still open for the manager.
    expect((await fixture.database.models.Task.findById(handOff.id).lean())!.status).toBe('open');

    // After the restart the resume finishes the plan; each deal got its first chain task once.
    const restarted = processOnManualClock(fixture.database);
    expect(await restarted.engine.resumeConversions()).toBe(1);
    const deals = await fixture.database.models.Deal.find({ leadId: lead.id })
      .sort({ type: 1 })
      .lean();
    expect(deals.map((deal) => deal.type)).toEqual(['design', 'standard']);
    for (const deal of deals) {
      expect(
        await fixture.database.models.Task.countDocuments({
          'subject.id': deal._id,
          status: 'open',
        }),
      ).toBe(1);
    }

    // The manager presses Done again: the lead converts, still into the same two deals.
    await restarted.engine.completeTask(handOff.id, as(fixture.org.sales1), {
      dealTypes: ['standard', 'design'],
    });
    expect((await fixture.database.models.Lead.findById(lead.id).lean())!.stage).toBe('qualified');
    expect(await dealCount(lead.id)).toBe(2);
    expect(await restarted.engine.resumeConversions()).toBe(0);
    // The standard order greets the client once, however many times its entry was replayed.
    const standard = deals.find((deal) => deal.type === 'standard')!;
    const greetings = await fixture.database.models.Message.find({
      direction: 'outbound',
      externalId: { $regex: `^out:robot:deal:${standard._id.toHexString()}:` },
    }).lean();
    expect(greetings.map((message) => message.text)).toEqual(['templates:deal_started']);

    // Contact + company + deals: one company, the contact in it, both deals attached to it.
    const companies = await fixture.database.models.Company.find({ name: 'АО Вектор' }).lean();
    expect(companies.map((company) => company.taxId)).toEqual(['7701234567']);
    const contactId = (await fixture.database.models.Lead.findById(lead.id).lean())!.contactId;
    expect((await fixture.database.models.Contact.findById(contactId).lean())!.companyId).toEqual(
      companies[0]!._id,
    );
    expect(deals.map((deal) => String(deal.companyId))).toEqual([
      String(companies[0]!._id),
      String(companies[0]!._id),
    ]);
  });

  it('converting twice does not duplicate deals', async () => {
    const { engine } = processOnManualClock(fixture.database);
    const { lead, handOff } = await leadAtHandOff(engine);
    const done = engine.completeTask(handOff.id, as(fixture.org.sales1), {
      dealTypes: ['standard'],
    });
    const replay = engine.completeTask(handOff.id, as(fixture.org.sales1), {
      dealTypes: ['standard'],
    });
    const results = await Promise.allSettled([done, replay]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result) => result.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'task_not_open' });
    expect(await dealCount(lead.id)).toBe(1);
  });
});
