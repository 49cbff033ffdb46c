import type { Collection, Filter, Sort } from 'mongodb';
import type { Lease } from '../../app/lease';

interface Leased {
  owner?: string | null;
  leaseUntil?: Date | null;
}

/**
 * Takes up to `limit` items matching `expired` (the caller's "lease ran out" filter) for the
 * lease's owner. Each document's update is atomic, so of two processes racing for the same items
 * each item goes to one of them: only those that carry this owner's lease afterwards are returned.
 */
export async function claimLeased<T extends Leased & { _id: unknown }>(
  collection: Collection<T>,
  expired: Filter<T>,
  sort: Sort,
  lease: Lease,
  limit: number,
): Promise<T[]> {
  const candidates = await collection
    .find(expired, { projection: { _id: 1 } })
    .sort(sort)
    .limit(limit)
    .toArray();
  if (candidates.length === 0) return [];
  const ids = candidates.map((doc) => doc._id);
  const mine = { owner: lease.owner, leaseUntil: lease.until } as Partial<T>;
  await collection.updateMany({ $and: [{ _id: { $in: ids } }, expired] } as Filter<T>, {
    $set: mine,
  });
  return (await collection.find({ _id: { $in: ids }, ...mine } as Filter<T>).toArray()) as T[];
}
