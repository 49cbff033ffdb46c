import { Types } from 'mongoose';
import { sendClientNotices, type ClientNotice } from '../../src/app/messaging/client-notices';
import type { Conversation } from '../../src/domain/conversation';
import { createOutboxStore } from '../../src/store/repositories/outbox.repository';
import { openTestDatabase } from '../support/database';

/**
 * A robot's message to a client is queued under its notice (`robot:<noticeId>`) before the notice
 * is marked sent: two passes racing over the same pending notice (the tick and a wake-up), or a
 * pass that stopped between queueing and marking, leave one message for the client, never two
 * and never none.
 */
let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const conversationId = new Types.ObjectId().toHexString();
const notice: ClientNotice = {
  id: new Types.ObjectId().toHexString(),
  subject: { kind: 'lead', id: new Types.ObjectId().toHexString() },
  template: 'deal_started',
};

/** A notice queue over one pending notice; `failMark` makes marking it sent fail once. */
function queue(state: { pending: boolean; failMark: boolean }) {
  return {
    async pendingClient() {
      return state.pending ? [notice] : [];
    },
    async markSent() {
      if (state.failMark) {
        state.failMark = false;
        throw new Error('the database went away');
      }
      state.pending = false;
    },
    async markFailed() {
      state.pending = false;
    },
  };
}

function deps(state: { pending: boolean; failMark: boolean }) {
  const outbox = createOutboxStore(database.models);
  return {
    queue: queue(state),
    contactOf: async () => 'contact-1',
    conversations: {
      latestOfContact: async (): Promise<Conversation> => ({
        id: conversationId,
        contactId: 'contact-1',
        channel: 'telegram',
        chatId: '6100',
        open: true,
      }),
    },
    render: () => 'Мы начали работу по вашему заказу',
    send: (id: string, text: string, cause: string) =>
      outbox.enqueue(
        { cause, conversationId: id, channel: 'telegram', chatId: '6100', text, attachments: [] },
        new Date(),
      ),
  };
}

const messagesToClient = () =>
  database.models.Message.countDocuments({ conversationId, direction: 'outbound' });

describe("a robot's message to a client", () => {
  it('is neither lost nor doubled when a pass stops before marking it, nor when two passes race', async () => {
    const state = { pending: true, failMark: true };
    // The first pass queues it and fails to mark it; the notice stays pending.
    await expect(sendClientNotices(deps(state))).rejects.toThrow('the database went away');
    expect(await messagesToClient()).toBe(1);
    // Two passes then race over it: the client still has one message coming, not three.
    await Promise.all([sendClientNotices(deps(state)), sendClientNotices(deps(state))]);
    expect(await messagesToClient()).toBe(1);
    expect(state.pending).toBe(false);
    const entries = await database.models.Outbox.find({ conversationId }).lean();
    expect(entries.map((entry) => entry.key)).toEqual([`robot:${notice.id}:0`]);
  });
});
