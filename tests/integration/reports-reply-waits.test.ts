import { Types } from 'mongoose';
import { InboundEvents } from '../../src/app/messaging/inbound-events';
import { IngestInbound } from '../../src/app/messaging/ingest-inbound';
import { sendToCustomer, type SendDeps } from '../../src/app/messaging/send-to-customer';
import { buildReport } from '../../src/app/reports/report';
import type { Channel } from '../../src/domain/channel';
import { replyWaitsOfHistory } from '../../src/domain/reply-wait';
import type { User } from '../../src/domain/user';
import { createContactRepository } from '../../src/store/repositories/contact.repository';
import { createConversationStore } from '../../src/store/repositories/conversation.repository';
import { createMessageRepository } from '../../src/store/repositories/message.repository';
import { createOpenRecords } from '../../src/store/repositories/open-records.repository';
import { createOutboxStore } from '../../src/store/repositories/outbox.repository';
import { createReplyWaitStore } from '../../src/store/repositories/reply-waits.repository';
import { createReportsStore } from '../../src/store/repositories/reports.repository';
import { defaultDefinition, processOnManualClock, seededDatabase } from '../support/process';

/**
 * Reply times as they are noted live: customers write through the real ingest, staff replies go
 * through the real queueing use case, and the report reads the noted waits. Moscow time; "now" is
 * 10 December 2026, 15:00 (12:00 UTC).
 */
const NOW = new Date('2026-12-10T12:00:00Z');
const ZONE = 'Europe/Moscow';
const min = 60_000;
const at = (iso: string) => new Date(iso);

const fixture = seededDatabase();
const definition = defaultDefinition();

function hub() {
  const { models } = fixture.database;
  const process = processOnManualClock(fixture.database, at('2026-12-02T07:00:00Z'));
  const conversations = createConversationStore(models);
  const ingest = new IngestInbound({
    contacts: createContactRepository(models),
    conversations,
    records: createOpenRecords(models),
    messages: createMessageRepository(models, process.clock),
    leads: process.engine,
    route: async () => undefined,
    sla: process.sla,
    followUps: process.engine.timers,
    events: new InboundEvents((error) => {
      throw error;
    }),
    onUnassignable: () => undefined,
  });
  const send: SendDeps = {
    conversations,
    outbox: createOutboxStore(models),
    sla: process.sla,
    replyWaits: createReplyWaitStore(models),
    clock: process.clock,
    wake: () => undefined,
  };
  let n = 0;
  return {
    /** The customer writes at `iso`; returns their conversation. */
    async customer(channel: Channel, who: string, iso: string): Promise<string> {
      process.clock.set(at(iso));
      await ingest.ingest({
        channel,
        externalId: `${who}-${n++}`,
        senderId: who,
        chatId: who,
        text: 'Здравствуйте',
        attachments: [],
        sentAt: at(iso),
      });
      return (await conversations.findOpen(channel, who))!.id;
    },
    /** A staff member (or, without one, a robot) writes to the customer at `iso`. */
    async reply(conversationId: string, iso: string, cause: string, author?: User) {
      process.clock.set(at(iso));
      await sendToCustomer(send, conversationId, {
        cause,
        text: 'Добрый день!',
        ...(author ? { authorUserId: author.id } : {}),
        ...(author?.departmentId ? { authorDepartmentId: author.departmentId } : {}),
      });
    },
  };
}

const stats = (s: { count: number; median?: number; p90?: number }) => [
  s.count,
  s.median && s.median / min,
  s.p90 && s.p90 / min,
];
const admin = (): User =>
  ({ ...fixture.org.head, roles: ['admin'], departmentId: undefined }) as User;
const reportDeps = () => ({
  store: createReportsStore(fixture.database.models),
  definition,
  timeZone: ZONE,
  clock: { now: () => NOW },
});

describe('reply times noted as replies go out', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    const { sales1, sales2 } = fixture.org;
    const { customer, reply } = hub();
    // A: first reply 10 min after the first unanswered message; the robot's greeting does not
    // stop the clock; the same reply handled twice counts once; then 30 min.
    a = await customer('telegram', 'tg-client', '2026-12-02T10:00:00Z');
    await customer('telegram', 'tg-client', '2026-12-02T10:02:00Z');
    await reply(a, '2026-12-02T10:05:00Z', 'robot:greeting');
    await reply(a, '2026-12-02T10:10:00Z', 'staff:1:1', sales1);
    await reply(a, '2026-12-02T10:11:00Z', 'staff:1:1', sales1);
    await customer('telegram', 'tg-client', '2026-12-02T11:00:00Z');
    await reply(a, '2026-12-02T11:30:00Z', 'staff:1:2', sales1);
    // A second message in a row answers no wait.
    await reply(a, '2026-12-02T11:40:00Z', 'staff:1:3', sales1);
    // B: first reply 5 min, by sales2.
    b = await customer('vk', 'vk-client', '2026-12-03T09:00:00Z');
    await reply(b, '2026-12-03T09:05:00Z', 'staff:2:1', sales2);
  });

  it('gives the month its first-reply and every-reply figures, by manager and channel', async () => {
    const { sales1, sales2 } = fixture.org;
    const { total, byManager, byChannel } = (await buildReport(reportDeps(), admin(), 'month'))
      .replies;
    // Every reply: 5, 10, 30 min → median 10, p90 30. First replies: 5, 10.
    expect(stats(total.every)).toEqual([3, 10, 30]);
    expect(stats(total.first)).toEqual([2, 5, 10]);
    expect(stats(byManager.get(sales1.id)!.every)).toEqual([2, 10, 30]);
    expect(stats(byManager.get(sales1.id)!.first)).toEqual([1, 10, 10]);
    expect(stats(byManager.get(sales2.id)!.every)).toEqual([1, 5, 5]);
    expect(stats(byChannel.get('vk')!.first)).toEqual([1, 5, 5]);
    expect(stats(byChannel.get('telegram')!.every)).toEqual([2, 10, 30]);
  });

  it('notes the same waits the conversations’ messages give when walked', async () => {
    const { Message } = fixture.database.models;
    const { between } = createReplyWaitStore(fixture.database.models);
    const noted = await between({ from: at('2026-12-01T00:00:00Z'), to: NOW });
    const walked = await Promise.all(
      [a, b].map(async (id) => {
        const docs = await Message.find({ conversationId: new Types.ObjectId(id) }).lean();
        return replyWaitsOfHistory(
          docs.map((doc) => ({
            id: doc._id.toHexString(),
            channel: doc.channel as Channel,
            direction: doc.direction,
            ...(doc.authorUserId ? { authorUserId: doc.authorUserId.toHexString() } : {}),
            sentAt: doc.sentAt,
          })),
        );
      }),
    );
    const shape = (w: { messageId: string; userId: string; first: boolean; ms: number }) =>
      [w.messageId, w.userId, w.first, w.ms / min].join(' ');
    expect(noted.map(shape).sort()).toEqual(walked.flat().map(shape).sort());
    expect(noted).toHaveLength(3);
  });

  it('counts a reply in the period it was sent in only', async () => {
    const yesterday = await buildReport(
      { ...reportDeps(), clock: { now: () => at('2026-12-03T12:00:00Z') } },
      admin(),
      'yesterday',
    );
    // 2 December (Moscow): conversation A's two answers.
    expect(stats(yesterday.replies.total.every)).toEqual([2, 10, 30]);
  });
});

describe("the month's plan fact", () => {
  it('counts a deal won before closing times were kept by its last change', async () => {
    const { sales1 } = fixture.org;
    await fixture.database.models.Deal.collection.insertOne({
      contactId: new Types.ObjectId(),
      type: 'standard',
      stage: 'won',
      closed: 'won',
      amount: 70_000,
      currency: 'RUB',
      responsibles: { sales: new Types.ObjectId(sales1.id) },
      fields: {},
      createdAt: at('2026-11-20T08:00:00Z'),
      updatedAt: at('2026-12-04T08:00:00Z'),
    });
    const report = await buildReport(reportDeps(), admin(), 'month');
    expect(report.plan.rows.find((row) => row.userId === sales1.id)?.fact).toBe(70_000);
    const november = await buildReport(reportDeps(), admin(), 'lastMonth');
    expect(november.plan.rows.find((row) => row.userId === sales1.id)?.fact).toBe(0);
  });
});
