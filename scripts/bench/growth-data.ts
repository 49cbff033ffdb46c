/**
 * History for the growth scenario: `size` stored messages over size/10 customers, each with a
 * contact, a conversation (most of them closed) and a lead, in the shapes and collections
 * mongoose uses (src/store/models), through the hub's own indexes. Written with insertMany in
 * batches of 1,000.
 */
import { ObjectId, type Db, type Document } from 'mongodb';
import pino from 'pino';
import { connectDatabase } from '../../src/store/database';
import { BACKFILLED } from '../../src/store/repositories/reply-waits.repository';
import type { ScenarioDatabase } from './database';

const BATCH = 1000;
/** Customer ids of the history, far from the bench's live customers. */
const FIRST_HISTORY_CUSTOMER = 500_000_000;
const YEAR_MS = 365 * 24 * 3600 * 1000;

async function insertInBatches(
  db: Db,
  name: string,
  count: number,
  make: (i: number) => Document,
  deadline: number,
): Promise<number> {
  const collection = db.collection(name);
  let written = 0;
  while (written < count) {
    if (performance.now() > deadline) throw new Error(`pre-load of ${name} ran out of time`);
    const batch: Document[] = [];
    for (let i = written; i < Math.min(count, written + BATCH); i++) batch.push(make(i));
    await collection.insertMany(batch, { ordered: false });
    written += batch.length;
  }
  return written;
}

/**
 * The hub's own indexes first (its models' `createIndexes`), as on a hub that ran for a year:
 * the history is then written through them, and the hub's start finds them built.
 */
export async function preloadHistory(
  database: ScenarioDatabase,
  options: { messages: number; messagesPerConversation: number; timeoutMs: number },
): Promise<{ documents: number; seconds: number; indexSeconds: number }> {
  const started = performance.now();
  const hubDatabase = await connectDatabase(database.uri, pino({ level: 'silent' }));
  await hubDatabase.close();
  const indexSeconds = (performance.now() - started) / 1000;
  const { db } = database;
  // A year of history as a hub that noted its replies' waits all along has it: G measures ingest,
  // not the one-time backfill a database from before reply waits would get at its first start.
  await db
    .collection('settings')
    .updateOne({ key: BACKFILLED }, { $set: { value: true } }, { upsert: true });
  const deadline = started + options.timeoutMs;
  const conversations = Math.max(1, Math.ceil(options.messages / options.messagesPerConversation));
  const now = Date.now();
  const contactIds = Array.from({ length: conversations }, () => new ObjectId());
  const conversationIds = Array.from({ length: conversations }, () => new ObjectId());
  const leadIds = Array.from({ length: conversations }, () => new ObjectId());
  /** Spread over the past year, oldest first; the last 10% are still open. */
  const startedAt = (c: number) => new Date(now - YEAR_MS + (c / conversations) * YEAR_MS);
  const isOpen = (c: number) => c >= conversations * 0.9;
  const customer = (c: number) => String(FIRST_HISTORY_CUSTOMER + c);

  let documents = 0;
  documents += await insertInBatches(
    db,
    'contacts',
    conversations,
    (c) => ({
      _id: contactIds[c],
      name: `History client ${c}`,
      identities: [{ channel: 'telegram', externalId: customer(c) }],
      identityKeys: [`telegram:${customer(c)}`],
      phones: c % 3 === 0 ? [`+7999${String(1_000_000 + c).slice(-7)}`] : [],
      emails: [],
      createdAt: startedAt(c),
      updatedAt: startedAt(c),
      __v: 0,
    }),
    deadline,
  );
  documents += await insertInBatches(
    db,
    'leads',
    conversations,
    (c) => ({
      _id: leadIds[c],
      contactId: contactIds[c],
      source: { kind: 'channel', channel: 'telegram' },
      utm: {},
      stage: isOpen(c) ? 'identification' : 'junk',
      stageEntry: 1,
      responsibles: {},
      fields: {},
      closed: !isOpen(c),
      createdAt: startedAt(c),
      updatedAt: startedAt(c),
      __v: 0,
    }),
    deadline,
  );
  documents += await insertInBatches(
    db,
    'conversations',
    conversations,
    (c) => ({
      _id: conversationIds[c],
      contactId: contactIds[c],
      channel: 'telegram',
      chatId: customer(c),
      open: isOpen(c),
      leadId: leadIds[c],
      lastInboundAt: startedAt(c),
      lastOutboundAt: startedAt(c),
      createdAt: startedAt(c),
      updatedAt: startedAt(c),
      __v: 0,
    }),
    deadline,
  );
  documents += await insertInBatches(
    db,
    'messages',
    options.messages,
    (i) => {
      const c = Math.floor(i / options.messagesPerConversation);
      const k = i % options.messagesPerConversation;
      const inbound = k % 2 === 0;
      const sentAt = new Date(startedAt(c).getTime() + k * 60_000);
      return {
        conversationId: conversationIds[c],
        channel: 'telegram',
        direction: inbound ? 'inbound' : 'outbound',
        externalId: inbound ? `${customer(c)}:${k + 1}` : `out:${conversationIds[c]}:${k}`,
        text: inbound
          ? `Добрый день! Нужен счёт на ${k + 1} позиций`
          : 'Здравствуйте! Подготовим и пришлём сегодня.',
        attachments: [],
        status: inbound ? 'received' : 'delivered',
        sentAt,
        ...(inbound ? {} : { channelMessageId: `${customer(c)}:${k + 1}` }),
        createdAt: sentAt,
        updatedAt: sentAt,
        __v: 0,
      };
    },
    deadline,
  );
  return { documents, seconds: (performance.now() - started) / 1000, indexSeconds };
}
