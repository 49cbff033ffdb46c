import { Types } from 'mongoose';
import type { Database } from '../../src/store/database';
import { backfillReplyWaits } from '../../src/store/repositories/reply-waits.repository';
import type { seedCompany } from './process';

const at = (iso: string) => new Date(iso);

/**
 * One known company month for the reports' test, seeded straight into the database; the figures
 * it should give are worked out by hand in tests/integration/reports.test.ts.
 */
export async function seedReportMonth(
  database: Database,
  org: Awaited<ReturnType<typeof seedCompany>>,
): Promise<void> {
  const { Lead, Deal, Task, Conversation, Message, Plan } = database.models;
  const { sales1, sales2, ops1, ops2 } = org;
  const contact = () => new Types.ObjectId();
  const lead = (
    stage: string,
    source: object,
    utm: object,
    sales: string | undefined,
    createdAt = '2026-12-02T08:00:00Z',
  ) =>
    Lead.create({
      contactId: contact(),
      source,
      utm,
      stage,
      closed: stage === 'qualified' || stage === 'junk',
      responsibles: sales ? { sales } : {},
      createdAt: at(createdAt),
    });
  const telegram = { kind: 'channel', channel: 'telegram' };
  const L1 = await lead('new', telegram, { source: 'ads', campaign: 'winter' }, undefined);
  const L2 = await lead(
    'identification',
    telegram,
    { source: 'ads', campaign: 'winter' },
    sales1.id,
  );
  await lead(
    'proposal',
    { kind: 'channel', channel: 'vk' },
    { source: 'ads', campaign: 'spring' },
    sales1.id,
  );
  const L4 = await lead(
    'qualified',
    { kind: 'channel', channel: 'vk' },
    { source: 'seo' },
    sales1.id,
  );
  const L5 = await lead('qualified', { kind: 'channel', channel: 'widget' }, {}, sales2.id);
  await lead('junk', { kind: 'form', formId: 'f1' }, {}, sales2.id);
  // November: outside this month's figures, but its conversation waits now.
  const L7 = await lead(
    'identification',
    { kind: 'manual', method: 'other' },
    {},
    sales2.id,
    '2026-11-20T08:00:00Z',
  );

  const deal = (fields: Record<string, unknown>) =>
    Deal.create({ contactId: contact(), currency: 'RUB', ...fields });
  await deal({
    leadId: L4._id,
    type: 'standard',
    stage: 'won',
    closed: 'won',
    amount: 100_000,
    responsibles: { sales: sales1.id },
    createdAt: at('2026-12-03T08:00:00Z'),
    closedAt: at('2026-12-05T08:00:00Z'),
  });
  const D2 = await deal({
    leadId: L4._id,
    type: 'standard',
    stage: 'prepayment',
    closed: false,
    responsibles: { sales: sales1.id, operations: ops1.id },
    createdAt: at('2026-12-04T08:00:00Z'),
  });
  await deal({
    leadId: L5._id,
    type: 'design',
    stage: 'won',
    closed: 'won',
    amount: 50_000,
    responsibles: { sales: sales2.id, operations: ops2.id },
    createdAt: at('2026-12-06T08:00:00Z'),
    closedAt: at('2026-12-08T08:00:00Z'),
  });
  await deal({
    leadId: L5._id,
    type: 'standard',
    stage: 'lost',
    closed: 'lost',
    responsibles: { sales: sales2.id },
    createdAt: at('2026-12-06T09:00:00Z'),
    closedAt: at('2026-12-07T08:00:00Z'),
  });
  // Won in November: last month's fact, not this month's.
  await deal({
    leadId: L7._id,
    type: 'standard',
    stage: 'won',
    closed: 'won',
    amount: 30_000,
    responsibles: { sales: sales1.id },
    createdAt: at('2026-11-20T08:00:00Z'),
    closedAt: at('2026-11-28T08:00:00Z'),
  });
  // No amount: counts as 0.
  await deal({
    type: 'standard',
    stage: 'won',
    closed: 'won',
    responsibles: { sales: sales2.id },
    createdAt: at('2026-12-09T08:00:00Z'),
    closedAt: at('2026-12-09T09:00:00Z'),
  });
  // Operations only: nobody in sales holds it, so not the sales head's.
  await deal({
    type: 'design',
    stage: 'approval',
    closed: false,
    responsibles: { operations: ops2.id },
    createdAt: at('2026-12-07T08:00:00Z'),
  });

  let n = 0;
  const task = (assignee: string, due: string, status: 'open' | 'done' = 'open') =>
    Task.create({
      key: `t${n++}`,
      title: { ru: `Задача ${n}`, en: `Task ${n}` },
      assigneeId: assignee,
      due: at(due),
      status,
    });
  await task(sales1.id, '2026-12-10T10:00:00Z'); // T1: overdue
  await task(sales1.id, '2026-12-11T10:00:00Z');
  await task(sales2.id, '2026-12-09T10:00:00Z'); // T3: overdue
  await task(sales2.id, '2026-12-01T10:00:00Z', 'done');
  await task(ops1.id, '2026-12-12T10:00:00Z');
  await task(ops2.id, '2026-12-08T10:00:00Z'); // T6: overdue

  const conversation = (fields: Record<string, unknown>) =>
    Conversation.create({ contactId: contact(), chatId: String(n++), open: true, ...fields });
  // Waiting now: 10 min, 30 min, 90 min, 3 h, 6 h; a closed one does not count.
  await conversation({
    channel: 'telegram',
    leadId: L2._id,
    awaitingReplySince: at('2026-12-10T11:50:00Z'),
  });
  await conversation({
    channel: 'telegram',
    leadId: L1._id,
    awaitingReplySince: at('2026-12-10T11:30:00Z'),
  });
  await conversation({
    channel: 'telegram',
    dealId: D2._id,
    awaitingReplySince: at('2026-12-10T10:30:00Z'),
  });
  await conversation({
    channel: 'widget',
    leadId: L5._id,
    awaitingReplySince: at('2026-12-10T09:00:00Z'),
  });
  await conversation({
    channel: 'vk',
    leadId: L7._id,
    awaitingReplySince: at('2026-12-10T06:00:00Z'),
  });
  await conversation({
    channel: 'vk',
    leadId: L7._id,
    open: false,
    awaitingReplySince: at('2026-12-10T07:00:00Z'),
  });

  const talk = async (
    channel: string,
    lastOutboundAt: string,
    lines: [string, string, string?][],
  ) => {
    const c = await conversation({ channel, lastOutboundAt: at(lastOutboundAt) });
    await Message.insertMany(
      lines.map(([direction, sentAt, author]) => ({
        conversationId: c._id,
        channel,
        direction,
        externalId: `m${n++}`,
        status: direction === 'inbound' ? 'received' : 'sent',
        sentAt: at(sentAt),
        ...(author ? { authorUserId: author } : {}),
      })),
    );
  };
  // A: first reply 10 min (from the first unanswered message), then 30 min; the robot's does not count.
  await talk('telegram', '2026-12-02T11:31:00Z', [
    ['inbound', '2026-12-02T10:00:00Z'],
    ['inbound', '2026-12-02T10:02:00Z'],
    ['outbound', '2026-12-02T10:10:00Z', sales1.id],
    ['inbound', '2026-12-02T11:00:00Z'],
    ['outbound', '2026-12-02T11:30:00Z', sales1.id],
    ['outbound', '2026-12-02T11:31:00Z'],
  ]);
  // B: a robot's greeting does not stop the clock: first reply 5 min; then 20 min by sales2.
  await talk('vk', '2026-12-03T12:20:00Z', [
    ['inbound', '2026-12-03T09:00:00Z'],
    ['outbound', '2026-12-03T09:01:00Z'],
    ['outbound', '2026-12-03T09:05:00Z', sales1.id],
    ['inbound', '2026-12-03T12:00:00Z'],
    ['outbound', '2026-12-03T12:20:00Z', sales2.id],
  ]);
  // C: first answered in November (not this month's); 45 min this month, not a first reply.
  await talk('widget', '2026-12-05T10:45:00Z', [
    ['inbound', '2026-11-29T10:00:00Z'],
    ['outbound', '2026-11-29T11:00:00Z', sales2.id],
    ['inbound', '2026-12-05T10:00:00Z'],
    ['outbound', '2026-12-05T10:45:00Z', sales2.id],
  ]);
  // D: first reply 60 min.
  await talk('telegram', '2026-12-07T09:00:00Z', [
    ['inbound', '2026-12-07T08:00:00Z'],
    ['outbound', '2026-12-07T09:00:00Z', sales2.id],
  ]);
  // E: all in November.
  await talk('telegram', '2026-11-20T09:00:00Z', [
    ['inbound', '2026-11-20T08:00:00Z'],
    ['outbound', '2026-11-20T09:00:00Z', sales1.id],
  ]);

  // The conversations above were answered before this database noted waits as replies went
  // out: the one-time backfill notes theirs, as it would at a hub's first start.
  await backfillReplyWaits(database.models);

  await Plan.create([
    { userId: sales1.id, month: '2026-12', target: 200_000 },
    { userId: sales2.id, month: '2026-12', target: 40_000 },
    { userId: sales1.id, month: '2026-11', target: 999_999 },
  ]);
}
