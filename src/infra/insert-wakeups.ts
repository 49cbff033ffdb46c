import type { ChangeStream, ChangeStreamInsertDocument, Db, Document } from 'mongodb';
import type { Logger } from './logger';

/**
 * How long one look at the change stream waits for an insert. An idle hub asks once per this
 * (≈ 0.1 round trips a second); well under the driver's socket timeout (DB_SOCKET_TIMEOUT_MS).
 */
const MAX_AWAIT_MS = 10_000;
/**
 * Some engines (SecantusDB) answer a waiting look as soon as anything is written to the database,
 * with nothing in it when no insert matched. Looking again at once would cost one round trip per
 * write under load, so after such an empty answer the next look waits this long: what is inserted
 * meanwhile is still found by it, just this much later.
 */
const EMPTY_ANSWER_PAUSE_MS = 250;
/**
 * After a look that found inserts, once they are all handled, the next look waits this long: a
 * burst of another process's inserts then costs at most ten looks a second, each bringing all
 * found meanwhile, not one look per insert (on the embedded engine each look slowed every write).
 */
const AFTER_FINDS_PAUSE_MS = 100;

/** Inserts into one collection that this process wants to hear about. */
export interface InsertWatch {
  collection: string;
  /** Conditions on the inserted document, checked by the database so other inserts cost nothing. */
  where?: Record<string, unknown>;
  onInsert(change: ChangeStreamInsertDocument): void;
}

/**
 * One change stream on the database for every insert this process must react to at once, though
 * another process made it: work queued for whoever takes it first, packets for this process's
 * sockets. Without it a process finds another's work only at its safety tick (seconds). Open it
 * only where `changeStreamsMissing` (below) answered undefined.
 */
export function watchInserts(
  db: Db,
  watches: readonly InsertWatch[],
  logger: Logger,
): { close(): Promise<void> } {
  const byCollection = new Map(watches.map((watch) => [watch.collection, watch]));
  const stream: ChangeStream<Document, ChangeStreamInsertDocument> = db.watch(
    [
      {
        $match: {
          operationType: 'insert',
          $or: watches.map((watch) => ({
            'ns.coll': watch.collection,
            ...Object.fromEntries(
              Object.entries(watch.where ?? {}).map(([path, test]) => [
                `fullDocument.${path}`,
                test,
              ]),
            ),
          })),
        },
      },
    ],
    { maxAwaitTimeMS: MAX_AWAIT_MS },
  );
  let closed = false;
  let pause: { timer: NodeJS.Timeout; done(): void } | undefined;
  const paused = (ms: number) =>
    new Promise<void>((resolve) => {
      pause = { timer: setTimeout(resolve, ms), done: resolve };
    });

  const loop = (async () => {
    while (!closed) {
      const askedAt = Date.now();
      let change: ChangeStreamInsertDocument | null;
      try {
        // The driver resumes by itself after a resumable error (a failover, a dropped socket).
        change = await stream.tryNext();
      } catch (error) {
        if (!closed) {
          logger.warn(
            { err: error },
            'the change stream failed: until a restart, work another hub process queues is found at the safety ticks, and its widget packets do not reach this process',
          );
          await stream.close().catch(() => undefined);
        }
        return;
      }
      if (change) {
        try {
          byCollection.get(change.ns.coll)?.onInsert(change);
        } catch (error) {
          logger.error({ err: error }, "a wake-up on another process's insert failed");
        }
        if (stream.bufferedCount() === 0 && !closed) await paused(AFTER_FINDS_PAUSE_MS);
      } else if (Date.now() - askedAt < MAX_AWAIT_MS / 2 && !closed) {
        await paused(EMPTY_ANSWER_PAUSE_MS);
      }
    }
  })();

  return {
    async close() {
      closed = true;
      if (pause) {
        clearTimeout(pause.timer);
        pause.done();
      }
      await stream.close().catch(() => undefined);
      await loop;
    },
  };
}

/**
 * Opens a change stream cursor and closes it again: undefined where that works, the server's
 * reason where it does not (FerretDB, a standalone mongod). Asked once at start-up, so the loop
 * above never meets that error.
 */
export async function changeStreamsMissing(db: Db): Promise<string | undefined> {
  try {
    const reply = await db.command({
      aggregate: 1,
      pipeline: [{ $changeStream: {} }],
      cursor: { batchSize: 0 },
    });
    const id: unknown = (reply.cursor as { id?: unknown } | undefined)?.id;
    if (id !== undefined && String(id) !== '0') {
      await db.command({ killCursors: '$cmd.aggregate', cursors: [id] }).catch(() => undefined);
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
