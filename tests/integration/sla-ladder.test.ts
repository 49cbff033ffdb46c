import { Types } from 'mongoose';
import { processOnManualClock, seededDatabase } from '../support/process';

const fixture = seededDatabase();

const MINUTE = 60_000;
/** The default ladder for a lead nobody picked up, each rung once. */
const WHOLE_LADDER = [
  '20: sla_reminder → Диспетчер Дарья',
  '40: sla_passed → Диспетчер Дарья',
  '120: sla → heads',
  '240: sla → heads',
];

/** A new inbound lead with its conversation, waiting for the first reply. */
async function waitingClient(process: ReturnType<typeof processOnManualClock>) {
  const contact = await fixture.database.models.Contact.create({ name: 'Клиент' });
  const lead = await process.engine.createLead({
    contactId: contact._id.toHexString(),
    source: { kind: 'channel', channel: 'vk' },
  });
  const conversation = await fixture.database.models.Conversation.create({
    contactId: contact._id,
    channel: 'vk',
    chatId: String(contact._id),
    leadId: lead.subject.id,
  });
  return { lead, conversationId: conversation._id.toHexString() };
}

/** Every SLA notice and alert about one conversation, as "minute: who/what". */
async function ladderSteps(conversationId: string): Promise<string[]> {
  const docs = await fixture.database.models.Notification.find({
    kind: { $in: ['sla_reminder', 'sla_passed', 'sla'] },
    'payload.conversationId': conversationId,
  })
    .sort({ createdAt: 1 })
    .lean();
  const names = new Map(Object.values(fixture.org).map((user) => [user.id, user.name]));
  return docs.map((doc) => {
    const payload = doc.payload as { waitingMs: number };
    const who = doc.audience === 'heads' ? 'heads' : names.get(String(doc.userId));
    return `${payload.waitingMs / MINUTE}: ${doc.kind} → ${who}`;
  });
}

describe('the reply SLA ladder', () => {
  it('fires each step at its simulated time, counted from the first unanswered message', async () => {
    const process = processOnManualClock(fixture.database);
    const start = process.clock.now();
    const { lead, conversationId } = await waitingClient(process);

    await process.sla.clientWrote(conversationId, start);
    await process.timers.advanceBy(5 * MINUTE);
    // A second message while waiting does not restart the clock.
    await process.sla.clientWrote(conversationId, process.clock.now());
    await process.timers.advanceBy(14 * MINUTE);
    expect(await ladderSteps(conversationId)).toEqual([]);

    await process.timers.advanceBy(5 * 60 * MINUTE);
    expect(await ladderSteps(conversationId)).toEqual(WHOLE_LADDER);
    // Seed 003: nobody picked the request up in time.
    const stored = await fixture.database.models.Lead.findById(lead.subject.id).lean();
    expect((stored!.fields as Record<string, unknown>).overdueIdentification).toBe(true);
  });

  it('reminds the responsible manager once assigned, and stops when the manager answers', async () => {
    const process = processOnManualClock(fixture.database);
    const { lead, conversationId } = await waitingClient(process);
    await fixture.database.models.Lead.updateOne(
      { _id: lead.subject.id },
      { $set: { 'responsibles.sales': new Types.ObjectId(fixture.org.sales2.id) } },
    );

    await process.sla.clientWrote(conversationId, process.clock.now());
    await process.timers.advanceBy(25 * MINUTE);
    await process.sla.managerReplied(conversationId);
    await process.timers.advanceBy(6 * 60 * MINUTE);

    expect(await ladderSteps(conversationId)).toEqual(['20: sla_reminder → Продавец Светлана']);
  });

  it('resumes a retried first message from its next rung ahead, never replaying the ladder', async () => {
    const process = processOnManualClock(fixture.database);
    const start = process.clock.now();
    const { conversationId } = await waitingClient(process);
    await process.sla.clientWrote(conversationId, start);
    await process.timers.advanceBy(50 * MINUTE);
    expect(await ladderSteps(conversationId)).toHaveLength(2);

    // The message that opened the wait is retried 50 minutes on (an admin's /inbox retry).
    await process.sla.resumedWaiting(conversationId, start);
    await process.timers.advanceBy(5 * 60 * MINUTE);
    expect(await ladderSteps(conversationId)).toEqual(WHOLE_LADDER);
  });

  it('does nothing at all when the manager answers in time', async () => {
    const process = processOnManualClock(fixture.database);
    const { conversationId } = await waitingClient(process);
    await process.sla.clientWrote(conversationId, process.clock.now());
    await process.timers.advanceBy(19 * MINUTE);
    await process.sla.managerReplied(conversationId);
    await process.timers.advanceBy(6 * 60 * MINUTE);

    expect(await ladderSteps(conversationId)).toEqual([]);
    expect(process.timers.scheduledNames().filter((key) => key.startsWith('sla:'))).toEqual([]);
  });
});
