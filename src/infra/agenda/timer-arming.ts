import type { JobParameters } from 'agenda';
import { ObjectId, type Collection, type Document } from 'mongodb';
import { groupCommit, writeErrorsByIndex } from '../group-commit';

/** What Agenda's own `saveJob` writes as null when unset: a re-armed timer starts afresh. */
const RESET_ON_ARM = [
  'lockedAt',
  'lastFinishedAt',
  'failedAt',
  'failCount',
  'failReason',
  'repeatTimezone',
  'lastRunAt',
  'repeatInterval',
  'repeatAt',
  'disabled',
  'progress',
  'debounceStartedAt',
  'fork',
  'startDate',
  'endDate',
  'skipDays',
] as const;

type TimerProps = Omit<JobParameters, '_id' | 'unique' | 'uniqueOpts'>;

/**
 * Arming a timer: one upsert by its key (`unique`, with the job's name), with the fields Agenda's
 * own upsert sets and its lock and run state reset. Timers armed while the previous upserts are in
 * flight (a burst of customers) share one bulkWrite. Resolves to the new job's id, or null for a
 * timer that already existed (its id is not read back).
 */
function timerUpserts(jobs: Collection) {
  const write = groupCommit<{ filter: Document; set: Document }, ObjectId | null>(async (batch) => {
    const operations = batch.map(({ filter, set }) => ({
      updateOne: { filter, update: { $set: set }, upsert: true },
    }));
    try {
      const result = await jobs.bulkWrite(operations, { ordered: false });
      return batch.map((_, i) => (result.upsertedIds[i] as ObjectId | undefined) ?? null);
    } catch (error) {
      const failed = writeErrorsByIndex(error);
      if (!failed) throw error;
      return batch.map((_, i) => failed.get(i) ?? null);
    }
  });
  return (unique: Document, props: TimerProps, lastModifiedBy?: string) =>
    write({ filter: { ...unique, name: props.name }, set: armed(props, lastModifiedBy) });
}

/**
 * Arming a timer whose key cannot have a job yet: the document the upsert would create, inserted
 * (an upsert first looks the key up, and costs an embedded engine three inserts). A key that has
 * a job after all fails alone with code 11000 (the unique key index), for the caller to upsert.
 */
function timerInserts(jobs: Collection) {
  const write = groupCommit<Document & { _id: ObjectId }, ObjectId>(async (batch) => {
    try {
      await jobs.insertMany([...batch], { ordered: false });
      return batch.map((doc) => doc._id);
    } catch (error) {
      const failed = writeErrorsByIndex(error);
      if (!failed) throw error;
      return batch.map((doc, i) => failed.get(i) ?? doc._id);
    }
  });
  return (props: TimerProps, lastModifiedBy?: string) =>
    write({ _id: new ObjectId(), ...armed(props, lastModifiedBy) });
}

/** What a timer's document holds once armed: its lock and run state reset. */
function armed(props: TimerProps, lastModifiedBy: string | undefined): Document {
  const reset = Object.fromEntries(RESET_ON_ARM.map((field) => [field, props[field] ?? null]));
  return { ...props, ...reset, lastModifiedBy: lastModifiedBy ?? null };
}

/**
 * Arms timers: by one upsert per key, or — for a key that cannot have a job yet — by an insert,
 * which falls back to the upsert when the key had a job after all. Blind inserts need the unique
 * key index (`uniqueKeys`, set once the indexes are built); without it every timer is upserted.
 */
export class TimerArming {
  uniqueKeys = false;
  private readonly upsert: ReturnType<typeof timerUpserts>;
  private readonly insert: ReturnType<typeof timerInserts>;

  constructor(jobs: Collection) {
    this.upsert = timerUpserts(jobs);
    this.insert = timerInserts(jobs);
  }

  /** Resolves to the job's id when it was created now, null for a timer re-armed in place. */
  arm(
    unique: Document,
    props: TimerProps,
    options: { fresh: boolean; lastModifiedBy: string | undefined },
  ): Promise<ObjectId | null> {
    const { fresh, lastModifiedBy } = options;
    if (!fresh || !this.uniqueKeys) return this.upsert(unique, props, lastModifiedBy);
    return this.insert(props, lastModifiedBy).catch((error: unknown) => {
      // The key had a job after all (a retried first arming): re-armed by key.
      if ((error as { code?: unknown }).code !== 11000) throw error;
      return this.upsert(unique, props, lastModifiedBy);
    });
  }
}
