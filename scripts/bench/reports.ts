/**
 * R reports: `/report` built for an admin over 10k leads, 3k deals and 100k messages (issue 14:
 * every report within 2 s on the embedded database). The data is written with the driver, then
 * the hub's own report use case and text rendering run in this process on that database, each
 * period a few times; the picture rendering is timed once on top.
 */
import { ObjectId, type Db } from 'mongodb';
import pino from 'pino';
import { reportSections, packMessages } from '../../bots/manager/report.render';
import { reportCharts } from '../../bots/manager/report.charts';
import { PERIODS, type PeriodKey } from '../../src/domain/report-period';
import { createTranslator } from '../../src/infra/i18n';
import { connectDatabase } from '../../src/store/database';
import type { Models } from '../../src/store/models';
import { createReports } from '../../src/wiring/reports';
import { loadProcessDefinition } from '../../src/config/process/load-definition';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { renderBarChart } from '../../src/infra/charts/render-chart';
import type { User } from '../../src/domain/user';
import type { Channel } from '../../src/domain/channel';
import { replyWaitsOfHistory, type TimedMessage } from '../../src/domain/reply-wait';
import { replyWaitHours } from '../../src/store/repositories/reply-waits.repository';
import type { BenchContext } from './harness';
import { round } from './stats';
import path from 'node:path';

const ZONE = 'Europe/Moscow';
const DAY = 86_400_000;
const BATCH = 5000;
/** Leads moved on and tasks finished between two reports. */
const CHANGES = 20;
/** Each period built this many times; the median and the slowest are reported. */
const REPEATS = 3;

const sizeFrom = (name: string, full: number, quick: boolean) => {
  const raw = Number(process.env[name]);
  return Number.isFinite(raw) && raw > 0 ? Math.round(raw) : quick ? full / 10 : full;
};

async function insert(db: Db, collection: string, docs: Record<string, unknown>[]) {
  for (let i = 0; i < docs.length; i += BATCH) {
    await db.collection(collection).insertMany(docs.slice(i, i + BATCH), { ordered: false });
  }
}

/** A company's last two months: leads, deals from them, conversations with messages, tasks. */
async function seed(db: Db, sizes: { leads: number; deals: number; messages: number }) {
  const now = Date.now();
  const pick = <T>(values: readonly T[], i: number) => values[i % values.length]!;
  const department = new ObjectId();
  await db.collection('departments').insertOne({ _id: department, code: 'sales', name: 'sales' });
  const managers = Array.from({ length: 10 }, (_, i) => ({
    _id: new ObjectId(),
    telegramId: 900_000 + i,
    name: `Manager ${i}`,
    roles: ['manager'],
    departmentId: department,
    language: 'ru',
    online: true,
    active: true,
    createdAt: new Date(now - 90 * DAY),
  }));
  await insert(db, 'users', managers);
  const leadStages = ['new', 'identification', 'proposal', 'qualified', 'junk'];
  const leads = Array.from({ length: sizes.leads }, (_, i) => {
    const stage = pick(leadStages, i * 7);
    return {
      _id: new ObjectId(),
      contactId: new ObjectId(),
      source: { kind: 'channel', channel: pick(['telegram', 'vk', 'viber', 'widget'], i) },
      utm: { source: pick(['ads', 'seo', 'mail'], i), campaign: pick(['winter', 'spring'], i * 3) },
      stage,
      closed: stage === 'qualified' || stage === 'junk',
      responsibles: { sales: pick(managers, i)._id },
      fields: {},
      createdAt: new Date(now - ((i * 37) % 60) * DAY),
      // Stamped as mongoose stamps every write; reports read what changed by it.
      updatedAt: new Date(now - ((i * 37) % 60) * DAY + ((i * 11) % 48) * 3_600_000),
    };
  });
  await insert(db, 'leads', leads);
  const dealStages = ['documents', 'prepayment', 'production', 'shipping', 'won', 'lost'];
  await insert(
    db,
    'deals',
    Array.from({ length: sizes.deals }, (_, i) => {
      const stage = pick(dealStages, i * 5);
      const lead = pick(leads, i * 3);
      const createdAt = new Date(now - ((i * 13) % 60) * DAY);
      return {
        leadId: lead._id,
        contactId: lead.contactId,
        type:
          pick(['standard', 'design'], i) === 'design' && stage === 'documents'
            ? 'design'
            : 'standard',
        stage,
        amount: 10_000 + (i % 50) * 1000,
        currency: 'RUB',
        closed: stage === 'won' || stage === 'lost' ? stage : false,
        ...(stage === 'won' || stage === 'lost'
          ? { closedAt: new Date(createdAt.getTime() + DAY) }
          : {}),
        responsibles: { sales: lead.responsibles.sales },
        fields: {},
        createdAt,
        updatedAt: new Date(createdAt.getTime() + DAY),
      };
    }),
  );
  const perConversation = 10;
  const conversations = leads
    .slice(0, Math.ceil(sizes.messages / perConversation))
    .map((lead, i) => {
      const startedAt = lead.createdAt.getTime();
      return {
        _id: new ObjectId(),
        contactId: lead.contactId,
        channel: lead.source.channel,
        chatId: `c${i}`,
        open: true,
        leadId: lead._id,
        lastOutboundAt: new Date(startedAt + (perConversation - 1) * 600_000),
        ...(i % 5 === 0 ? { awaitingReplySince: new Date(now - (i % 300) * 60_000) } : {}),
        createdAt: new Date(startedAt),
      };
    });
  await insert(db, 'conversations', conversations);
  const messages = conversations
    .flatMap((conversation, c) =>
      Array.from({ length: perConversation }, (_, m) => ({
        _id: new ObjectId(),
        conversationId: conversation._id,
        channel: conversation.channel,
        direction: m % 2 === 0 ? ('inbound' as const) : ('outbound' as const),
        externalId: `b${c}-${m}`,
        status: m % 2 === 0 ? 'received' : 'sent',
        ...(m % 2 === 1 ? { authorUserId: pick(managers, c)._id } : {}),
        sentAt: new Date(conversation.createdAt.getTime() + m * 600_000 + ((c * m) % 7) * 60_000),
      })),
    )
    .slice(0, sizes.messages);
  await insert(db, 'messages', messages);
  // The replies' waits as the hub notes them when each reply goes out (reply-waits.repository.ts).
  const byConversation = new Map<string, TimedMessage[]>();
  for (const message of messages) {
    const key = message.conversationId.toHexString();
    byConversation.set(key, [
      ...(byConversation.get(key) ?? []),
      {
        id: message._id.toHexString(),
        channel: message.channel as Channel,
        direction: message.direction,
        ...(message.authorUserId ? { authorUserId: message.authorUserId.toHexString() } : {}),
        sentAt: message.sentAt,
      },
    ]);
  }
  await insert(
    db,
    'replywaithours',
    replyWaitHours([...byConversation.values()].flatMap((history) => replyWaitsOfHistory(history))),
  );
  await insert(
    db,
    'tasks',
    Array.from({ length: Math.round(sizes.leads / 2) }, (_, i) => ({
      key: `bench-${i}`,
      title: { ru: 'Позвонить', en: 'Call' },
      assigneeId: pick(managers, i)._id,
      due: new Date(now + ((i % 10) - 5) * DAY),
      status: i % 3 === 0 ? 'done' : 'open',
      postponements: [],
      problem: false,
      createdAt: new Date(now - ((i % 10) + 1) * DAY),
      updatedAt: new Date(now - (i % 10) * DAY),
    })),
  );
}

/** Between two reports a team moves some leads on and finishes some tasks, as mongoose writes. */
async function teamAtWork(models: Models, round: number) {
  const moved = await models.Lead.find({ closed: false })
    .skip(round * CHANGES)
    .limit(CHANGES)
    .select({ _id: 1 })
    .lean();
  const done = await models.Task.find({ status: 'open' }).limit(CHANGES).select({ _id: 1 }).lean();
  await Promise.all([
    ...moved.map(({ _id }) => models.Lead.updateOne({ _id }, { $set: { stage: 'proposal' } })),
    ...done.map(({ _id }) =>
      models.Task.updateOne({ _id }, { $set: { status: 'done', completedAt: new Date() } }),
    ),
  ]);
}

export async function reportsScenario(context: BenchContext) {
  const quick = context.settings.quick;
  const sizes = {
    leads: sizeFrom('BENCH_REPORTS_LEADS', 10_000, quick),
    deals: sizeFrom('BENCH_REPORTS_DEALS', 3_000, quick),
    messages: sizeFrom('BENCH_REPORTS_MESSAGES', 100_000, quick),
  };
  const scenarioDb = await context.database.open('reports');
  const logger = pino({ level: 'silent' });
  const database = await connectDatabase(scenarioDb.uri, logger);
  try {
    const seedStarted = performance.now();
    await seed(scenarioDb.db, sizes);
    const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
    const definition = loadProcessDefinition(
      path.join(PROJECT_ROOT, 'config/process/default.yaml'),
    );
    const reports = createReports({
      models: database.models,
      definition,
      timeZone: ZONE,
      clock: { now: () => new Date() },
      digestAt: '09:00',
    });
    const translator = await createTranslator('ru');
    const view = { t: translator.forLocale('ru'), lng: 'ru' as const, timeZone: ZONE };
    const admin: User = {
      id: new ObjectId().toHexString(),
      telegramId: 1,
      name: 'Admin',
      roles: ['admin'],
      language: 'ru',
      online: true,
      active: true,
    };
    const build = async (period: PeriodKey) => {
      const started = performance.now();
      packMessages(reportSections(view, await reports.bot.build(admin, period)));
      return performance.now() - started;
    };
    // A hub reads the records reports count once, in the background as it starts; each report
    // then reads only what changed since (src/store/repositories/report-view.ts).
    const warmUpStarted = performance.now();
    await reports.warmUp(logger)();
    const warmUpMs = round(performance.now() - warmUpStarted, 0);
    context.log(`  reports: records read at start in ${warmUpMs} ms`);
    const periods = {} as Record<PeriodKey, { p50Ms: number; maxMs: number }>;
    let churn = 0;
    for (const period of PERIODS) {
      const times: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        await teamAtWork(database.models, churn++);
        times.push(await build(period));
      }
      times.sort((a, b) => a - b);
      periods[period] = {
        p50Ms: round(times[Math.floor(times.length / 2)]!, 0),
        maxMs: round(times.at(-1)!, 0),
      };
      context.log(
        `  reports ${period}: p50 ${periods[period].p50Ms} ms, max ${periods[period].maxMs} ms`,
      );
    }
    const chartsStarted = performance.now();
    for (const { chart } of reportCharts(view, await reports.bot.build(admin, 'month'))) {
      await renderBarChart(chart);
    }
    return {
      sizes,
      seedSeconds,
      warmUpMs,
      periods,
      chartsMs: round(performance.now() - chartsStarted, 0),
    };
  } finally {
    await database.close();
    await scenarioDb.close();
  }
}
