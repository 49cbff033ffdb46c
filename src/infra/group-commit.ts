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
      batchScheduleFn: (send) => void inFlight.then(() => setImmediate(send)),
    },
  );
  return (input) => loader.load(input);
}

/** The write errors of an unordered bulk write, by the index of the document in the batch. */
export function writeErrorsByIndex(error: unknown): Map<number, Error> | undefined {
  const writeErrors = (error as Partial<MongoBulkWriteError>).writeErrors;
  const list = writeErrors === undefined ? [] : [writeErrors].flat();
  if (list.length === 0) return undefined;
  return new Map(list.map((e) => [e.index, Object.assign(new Error(e.errmsg), { code: e.code })]));
}
