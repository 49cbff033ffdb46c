import type { AccessScope } from '../../domain/access';
import type { ProcessRecord } from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';
import type { Actor, StaffMember } from './actor';
import { ProcessError } from './errors';
import type { RecordStore } from './ports';
import type { Rights } from './rights';

/**
 * Only `RecordAccess` makes a value of this key, and it is not exported: a record read with the
 * unscoped `RecordStore.get` is no `ReachedRecord`, so a change made for someone (a move, a field,
 * a closing, a problem) cannot be planned on a record their scope was never asked about.
 */
declare const reached: unique symbol;

/** A record read for an actor: through a staff member's scope, or by the system as it is. */
export type ReachedRecord = ProcessRecord & { readonly [reached]: true };

const mark = (record: ProcessRecord) => record as ReachedRecord;

/**
 * The one way the process reads a single lead or deal on someone's behalf (PRODUCT.md, process
 * 10). A staff member's read is one query by id and scope: a record out of their scope never
 * reaches the use case. The system (robots, timers, the records API) reads unscoped, and only a
 * `SystemActor` can ask for that.
 */
export class RecordAccess {
  constructor(
    private readonly deps: {
      records: Pick<RecordStore, 'get' | 'getIn' | 'exists'>;
      rights: Pick<Rights, 'scopeOf'>;
    },
  ) {}

  /** The record for this actor, or `not_found` / `not_allowed` as the refusal explains it. */
  open(subject: TaskSubject, actor: Actor): Promise<ReachedRecord> {
    return actor.kind === 'system' ? this.bySystem(subject) : this.forStaff(subject, actor);
  }

  /** The record if it is in the scope a staff-facing use case already holds. */
  async within(scope: AccessScope, subject: TaskSubject): Promise<ReachedRecord> {
    const record = await this.deps.records.getIn(scope, subject);
    if (record) return mark(record);
    // Only a refusal asks whether the record exists at all; the answer carries no data.
    throw new ProcessError((await this.deps.records.exists(subject)) ? 'not_allowed' : 'not_found');
  }

  private async forStaff(subject: TaskSubject, actor: StaffMember): Promise<ReachedRecord> {
    return this.within(await this.deps.rights.scopeOf(actor), subject);
  }

  /** Reached only through `open` with a `SystemActor`. */
  private async bySystem(subject: TaskSubject): Promise<ReachedRecord> {
    const record = await this.deps.records.get(subject);
    if (!record) throw new ProcessError('not_found');
    return mark(record);
  }
}
