import { randomBytes } from 'node:crypto';
import { MongoAdapter } from '@socket.io/mongo-adapter';
import { MongoServerError, type Db } from 'mongodb';
import type { InsertWatch } from './insert-wakeups';

/** Where the hub processes' socket servers leave each other packets. */
export const RELAY_COLLECTION = 'socket_relay';
/**
 * Capped: a packet is read from the change stream as it is inserted, so old ones are only kept
 * until the space is needed. Generous next to a chat message's packet (files go as links).
 */
const RELAY_BYTES = 16 * 1024 * 1024;
/**
 * The adapter counts live processes by heartbeats (an insert each, waking every other process's
 * stream) only so that a send can wait for every process's delivery confirmations. The widget's
 * send needs none (a visitor's tabs elsewhere get the message all the same; a missing confirmation
 * is no error there), and a count that still holds a stopped process would make each send wait its
 * full timeout after a restart. So no process is ever counted but this one: no heartbeats (the
 * longest timer Node keeps), and another process is forgotten a millisecond after it was heard.
 */
const HEARTBEAT_MS = 2 ** 31 - 1;
const HEARTBEAT_TIMEOUT_MS = 1;
/** MongoServerError code of createCollection when the collection is already there. */
const NAMESPACE_EXISTS = 48;

export interface SocketRelay {
  /** The socket.io adapter for a namespace: emits reach the sockets of every hub process. */
  adapter: (nsp: { name: string }) => MongoAdapter;
  /** The other processes' packets, heard through the process's one change stream. */
  watch: InsertWatch;
}

/**
 * socket.io's MongoDB adapter (`@socket.io/mongo-adapter`) over the hub's own change stream
 * (insert-wakeups.ts) rather than the one per process that its `createAdapter` would open: one
 * stream looks once per wait, where two would look twice as often.
 */
export async function openSocketRelay(
  db: Db,
  onError: (error: unknown) => void,
): Promise<SocketRelay> {
  await db
    .createCollection(RELAY_COLLECTION, { capped: true, size: RELAY_BYTES })
    .catch((error) => {
      if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
    });
  const collection = db.collection(RELAY_COLLECTION);
  const uid = randomBytes(8).toString('hex');
  const adapters = new Map<string, MongoAdapter>();
  return {
    // A `function`: socket.io calls it with `new` (a method or an arrow cannot be).
    adapter: function relayAdapter(nsp) {
      const adapter = new MongoAdapter(nsp, collection, {
        uid,
        heartbeatInterval: HEARTBEAT_MS,
        heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
      });
      adapters.set(nsp.name, adapter);
      const close = adapter.close.bind(adapter);
      adapter.close = () => {
        adapters.delete(nsp.name);
        return close();
      };
      return adapter;
    },
    watch: {
      collection: RELAY_COLLECTION,
      // This process's own packets went to its sockets when it sent them.
      where: { uid: { $ne: uid } },
      onInsert(change) {
        const nsp: unknown = change.fullDocument['nsp'];
        if (typeof nsp !== 'string') return;
        void adapters.get(nsp)?.onEvent(change).catch(onError);
      },
    },
  };
}
