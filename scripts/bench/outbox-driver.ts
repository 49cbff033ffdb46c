/**
 * Messages to customers queued the way another hub process queues them: the hub's own outbox
 * repository (`createOutboxStore().enqueue`: the message, then its entries) over a connection of
 * the bench's to the scenario's database. The running hub learns of them only at its outbox's
 * safety tick, as it would of another process's.
 */
import mongoose from 'mongoose';
import type { NewOutbound } from '../../src/app/messaging/ports';
import { registerModels } from '../../src/store/models';
import { createOutboxStore } from '../../src/store/repositories/outbox.repository';

/** Enqueues in flight at once (the embedded server runs one command at a time anyway). */
const CONCURRENCY = 8;

/** Queues every message, in the list's order as near as `CONCURRENCY` allows, due at `dueAt`. */
export async function queueThroughOutbox(
  mongodbUri: string,
  list: readonly NewOutbound[],
  dueAt: Date,
): Promise<void> {
  const connection = mongoose.createConnection(mongodbUri, { autoIndex: false });
  try {
    await connection.asPromise();
    const outbox = createOutboxStore(registerModels(connection));
    let next = 0;
    const worker = async () => {
      while (next < list.length) await outbox.enqueue(list[next++]!, dueAt);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    await connection.close();
  }
}
