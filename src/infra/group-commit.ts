import DataLoader from 'dataloader';
import type { MongoBulkWriteError } from 'mongodb';

/**
 * Group commit: what is asked for while the previous batch's command is in flight goes out
 * together as the next one. A lone request waits for nothing (it is sent on the next turn of
 * the event loop); under load every waiting pipeline shares one round trip, so the busier the
 * hub, the fewer commands per message. `flush` answers each input in order, or an Error for it.
 */
export function groupCommit<In, Out>(
  flush: (batch: readonly In[]) => Promise<readonly (Out | Error)[]>,
  maxBatchSize = 500,
): (input: In) => Promise<Out> {
  let inFlight: Promise<unknown> = Promise.resolve();
  const loader = new DataLoader<In, Out>(
    (batch) => {
      const run = flush(batch);
      inFlight = run.catch(() => undefined);
      return run;
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (send) => void settledOrLate(inFlight).then(() => setImmediate(send)),
    },
  );
  return (input) => loader.load(input);
}

/**
 * A batch waits for the one in flight, but not for ever: a command the database killed mid-way
 * can stay unanswered until the socket times out (minutes), and everything queued behind it
 * would wait as long. Past this, the next batch goes out beside it on another connection.
 */
const MAX_WAIT_FOR_IN_FLIGHT_MS = 2000;

function settledOrLate(inFlight: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, MAX_WAIT_FOR_IN_FLIGHT_MS);
  });
  return Promise.race([inFlight, late]).finally(() => clearTimeout(timer));
}

/** The write errors of an unordered bulk write, by the index of the document in the batch. */
export function writeErrorsByIndex(error: unknown): Map<number, Error> | undefined {
  const writeErrors = (error as Partial<MongoBulkWriteError>).writeErrors;
  const list = writeErrors === undefined ? [] : [writeErrors].flat();
  if (list.length === 0) return undefined;
  return new Map(list.map((e) => [e.index, Object.assign(new Error(e.errmsg), { code: e.code })]));
}
