import { WAITING_BUCKETS_MS } from '../lists/lists';

/**
 * Conversations waiting for a reply now, by how long: under 20 min, 20–40 min, 40 min–2 h,
 * 2–4 h, 4 h and more (the SLA ladder's thresholds, PRODUCT.md process 3).
 */
export function waitingBuckets(since: readonly Date[], now: Date): number[] {
  const counts = new Array<number>(WAITING_BUCKETS_MS.length + 1).fill(0);
  for (const at of since) {
    const waited = now.getTime() - at.getTime();
    const index = WAITING_BUCKETS_MS.filter((threshold) => waited >= threshold).length;
    counts[index]! += 1;
  }
  return counts;
}
