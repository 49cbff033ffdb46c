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
