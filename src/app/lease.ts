import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/ports';

/** Who works on a queued item until when; past `until` another process may take it over. */
export interface Lease {
  owner: string;
  until: Date;
}

/** This process's leases on one kind of work: the same owner, each lease `ms` from now. */
export function leaseMaker(clock: Clock, ms: number, owner: string = randomUUID()): () => Lease {
  return () => ({ owner, until: new Date(clock.now().getTime() + ms) });
}

/**
 * The items this process holds under a lease, and when each lease runs out. A renewal extends
 * only the leases that would run out before the renewal after it: an item finished within its
 * first lease is never written again. (Renewing everything held at every tick cost one write per
 * held item per tick: a burst of 2,000 messages waiting two minutes, six writes per message.)
 */
export class HeldLeases {
  private readonly until = new Map<string, number>();

  get size(): number {
    return this.until.size;
  }

  has(key: string): boolean {
    return this.until.has(key);
  }

  hold(key: string, until: Date): void {
    this.until.set(key, until.getTime());
  }

  release(key: string): void {
    this.until.delete(key);
  }

  /**
   * Renews, through `renew`, the leases running out within `withinMs` of `now`, to `until`. A
   * failed renewal leaves them as they were (the next tick tries again).
   */
  async renewDue(
    now: Date,
    withinMs: number,
    until: Date,
    renew: (keys: string[]) => Promise<void>,
  ): Promise<void> {
    const horizon = now.getTime() + withinMs;
    const due = [...this.until].filter(([, end]) => end <= horizon).map(([key]) => key);
    if (due.length === 0) return;
    await renew(due);
    for (const key of due) if (this.until.has(key)) this.until.set(key, until.getTime());
  }
}
