import type { InboundMessage } from '../../src/domain/message';
import { systemClock } from '../../src/domain/ports';
import { connectDatabase, type Database } from '../../src/store/database';
import { createContactRepository } from '../../src/store/repositories/contact.repository';
import { createMessageRepository } from '../../src/store/repositories/message.repository';
import { openTestDatabase, silentLogger, testDatabaseUri } from '../support/database';

let database: Database & { drop(): Promise<void> };
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.drop());

const inbound = (externalId: string, text = 'Здравствуйте, нужен счёт'): InboundMessage => ({
  channel: 'telegram',
  externalId,
  senderId: '1001',
  chatId: '1001',
  text,
  attachments: [],
  sentAt: new Date('2026-11-23T09:00:00Z'),
});

describe('inbound messages', () => {
  it('keeps one document when the same delivery is stored twice', async () => {
    const messages = createMessageRepository(database.models, systemClock);
    const conversationId = '6561f0a0a0a0a0a0a0a0a0a1';

    const first = await messages.saveInbound(conversationId, inbound('1001:77'));
    const second = await messages.saveInbound(conversationId, inbound('1001:77'));

    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.message.id).toBe(first.message.id);
    expect(await database.models.Message.countDocuments({ externalId: '1001:77' })).toBe(1);
  });

  it('stores one document when two deliveries of a message race each other', async () => {
    const messages = createMessageRepository(database.models, systemClock);
    const conversationId = '6561f0a0a0a0a0a0a0a0a0a2';

    const results = await Promise.all([
      messages.saveInbound(conversationId, inbound('1001:78')),
      messages.saveInbound(conversationId, inbound('1001:78')),
    ]);

    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    expect(await database.models.Message.countDocuments({ externalId: '1001:78' })).toBe(1);
  });

  it('keeps messages with the same id from different channels apart', async () => {
    const messages = createMessageRepository(database.models, systemClock);
    const conversationId = '6561f0a0a0a0a0a0a0a0a0a3';
    await messages.saveInbound(conversationId, inbound('shared-1'));
    const fromVk = await messages.saveInbound(conversationId, {
      ...inbound('shared-1'),
      channel: 'vk',
    });

    expect(fromVk.duplicate).toBe(false);
    const history = await messages.listByConversation(conversationId, 10);
    expect(history.map((message) => message.channel).sort()).toEqual(['telegram', 'vk']);
  });
});

describe('contacts', () => {
  it('finds a customer by channel identity, then by phone, then by email', async () => {
    const contacts = createContactRepository(database.models);
    const anna = await contacts.create({
      name: 'Анна',
      identities: [{ channel: 'widget', externalId: 'visitor-1' }],
      phones: ['+79120000001'],
      emails: ['anna@example.ru'],
    });

    const byIdentity = await contacts.findByAny({
      identity: { channel: 'widget', externalId: 'visitor-1' },
    });
    const byPhone = await contacts.findByAny({
      identity: { channel: 'telegram', externalId: '555' },
      phones: ['+79120000001'],
    });
    const byEmail = await contacts.findByAny({ emails: ['anna@example.ru'] });
    const stranger = await contacts.findByAny({ phones: ['+79120000999'] });

    expect([byIdentity?.id, byPhone?.id, byEmail?.id]).toEqual([anna.id, anna.id, anna.id]);
    expect(stranger).toBeUndefined();
  });

  it('adds a second channel identity to the same contact once', async () => {
    const contacts = createContactRepository(database.models);
    const boris = await contacts.create({ identities: [], phones: ['+79120000002'], emails: [] });
    const telegram = { channel: 'telegram', externalId: '4242' } as const;

    await contacts.addIdentity(boris.id, telegram);
    await contacts.addIdentity(boris.id, telegram);

    const found = await contacts.findByAny({ identity: telegram });
    expect(found?.id).toBe(boris.id);
    expect(found?.identities).toEqual([telegram]);
  });
});

describe('users', () => {
  it('refuses a second user with the same Telegram id', async () => {
    await database.models.User.create({ telegramId: 9001, name: 'Ирина' });
    await expect(
      database.models.User.create({ telegramId: 9001, name: 'Двойник' }),
    ).rejects.toThrow(/duplicate key/i);
  });
});

describe('indexes', () => {
  it('drops the indexes an older version built and rebuilds a changed one, keeping the data', async () => {
    // A database as the hub left it before staff notices lost two indexes and one became sparse.
    const uri = testDatabaseUri();
    const older = await connectDatabase(uri, silentLogger);
    const notices = older.connection.db!.collection('notifications');
    await notices.dropIndexes();
    await notices.createIndex({ status: 1, leaseUntil: 1 });
    await notices.createIndex({ kind: 1, 'payload.taskId': 1 });
    await notices.createIndex({ 'payload.messageId': 1 });
    await notices.insertOne({ audience: 'user', kind: 'robot', status: 'sent', payload: {} });
    await older.close();

    const reopened = await connectDatabase(uri, silentLogger);
    try {
      const indexes = await reopened.connection.db!.collection('notifications').indexes();
      const byName = new Map(indexes.map((index) => [index.name, index]));
      expect(byName.has('status_1_leaseUntil_1')).toBe(false);
      expect(byName.has('kind_1_payload.taskId_1')).toBe(false);
      expect(byName.get('payload.messageId_1')?.sparse).toBe(true);
      expect(byName.get('payload.taskId_1')?.sparse).toBe(true);
      expect(await reopened.models.Notification.countDocuments()).toBe(1);
    } finally {
      await reopened.connection.dropDatabase();
      await reopened.close();
    }
  });
});
