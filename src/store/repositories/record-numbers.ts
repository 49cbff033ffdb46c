import type { Models } from '../models';

export type NumberedKind = 'lead' | 'deal';

/** Hands out short record numbers per kind; never the same number twice, gaps allowed. */
export interface RecordNumbers {
  next(kind: NumberedKind): Promise<number>;
}

interface Block {
  next: number;
  end: number;
}

/**
 * A new record must not cost a round trip for its number, so each process reserves a block of
 * `blockSize` numbers with one atomic `$inc` on the kind's counter and hands them out from
 * memory. Two hub processes get disjoint blocks; numbers a process did not use before it stopped
 * are skipped (a gap, never a repeat). Concurrent callers share one reservation in flight.
 */
export function createRecordNumbers(models: Models, blockSize = 50): RecordNumbers {
  const { Counter } = models;
  const blocks = new Map<NumberedKind, Block>();
  const reserving = new Map<NumberedKind, Promise<void>>();

  const reserve = async (kind: NumberedKind): Promise<void> => {
    const counter = await Counter.findOneAndUpdate(
      { _id: kind },
      { $inc: { last: blockSize } },
      { upsert: true, returnDocument: 'after', setDefaultsOnInsert: false },
    ).lean();
    // After the `$inc`, `last` ends this process's block: the `blockSize` numbers up to it.
    const end = counter!.last + 1;
    blocks.set(kind, { next: end - blockSize, end });
  };

  const next = async (kind: NumberedKind): Promise<number> => {
    for (;;) {
      const block = blocks.get(kind);
      if (block && block.next < block.end) return block.next++;
      let pending = reserving.get(kind);
      if (!pending) {
        pending = reserve(kind).finally(() => reserving.delete(kind));
        reserving.set(kind, pending);
      }
      await pending;
    }
  };
  return { next };
}
