import type { AnyBulkWriteOperation, Collection, Filter, Sort } from 'mongodb';
import type { Lease } from '../../app/lease';

interface Leased {
  owner?: string | null;
  leaseUntil?: Date | null;
}

/**
 * Takes up to `limit` items matching `expired` (the caller's "lease ran out" filter) for the
 * lease's owner. `asRead`: the fields besides the lease that made an item claimable (its state,
 * when it is due) — see `claimAsRead`.
 */
export async function claimLeased<T extends Leased & { _id: unknown }>(
  collection: Collection<T>,
  expired: Filter<T>,
  sort: Sort,
  lease: Lease,
  limit: number,
  asRead: readonly (keyof T & string)[],
): Promise<T[]> {
  const projection = Object.fromEntries(
    ['_id', 'owner', 'leaseUntil', ...asRead].map((field) => [field, 1]),
  );
  const candidates = await collection.find(expired, { projection }).sort(sort).limit(limit);
  return claimAsRead(collection, (await candidates.toArray()) as T[], lease, asRead);
}

/**
 * Takes `candidates` (read with their lease and the `asRead` fields) for the lease's owner. Each
 * update applies only if the document is still as it was read (compare and set on those fields),
 * so of two processes racing for an item one gets it, and only those that carry this lease
 * afterwards come back. Compared by equality, item by item in one bulk write: an update whose
 * filter repeats the "expired" query (an `$or` of lease conditions over a list of ids) is
 * a full scan per call on engines that serve only equalities and one range from an index.
 */
export async function claimAsRead<T extends Leased & { _id: unknown }>(
  collection: Collection<T>,
  candidates: readonly T[],
  lease: Lease,
  asRead: readonly (keyof T & string)[],
): Promise<T[]> {
  if (candidates.length === 0) return [];
  const mine = { owner: lease.owner, leaseUntil: lease.until } as Partial<T>;
  const operations = candidates.map((doc) => {
    // `null` matches a field that is absent too: an item no process ever held.
    const same = Object.fromEntries(
      ['owner', 'leaseUntil', ...asRead].map((field) => [field, doc[field as keyof T] ?? null]),
    );
    return {
      updateOne: { filter: { _id: doc._id, ...same } as Filter<T>, update: { $set: mine } },
    } as AnyBulkWriteOperation<T>;
  });
  await collection.bulkWrite(operations, { ordered: false });
  const ids = candidates.map((doc) => doc._id);
  return (await collection.find({ _id: { $in: ids }, ...mine } as Filter<T>).toArray()) as T[];
}
