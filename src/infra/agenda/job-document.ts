import { toJobId, type JobParameters } from 'agenda';
import type { Document, ObjectId } from 'mongodb';

export const JOBS_COLLECTION = 'agendaJobs';
/**
 * Jobs claimed, and finished jobs deleted, per command: a burst takes a few rounds, processes
 * share it, and no single write holds up the database (an embedded engine writes one document
 * at a time) for long.
 */
export const CLAIM_BATCH = 250;
/**
 * Jobs due within this are claimed by a tick and kept in memory until due (a burst is in memory
 * when due); well inside the lock lifetime, past which a held lock counts as expired.
 */
export const LOOKAHEAD_MS = 10_000;
/** A claim needs this long to be done before a job is due (a loaded embedded engine is slow). */
export const CLAIM_MARGIN_MS = 500;
/** Handlers running at once, per job name and in all; bursts of timers are short use-case calls. */
export const CONCURRENCY_PER_NAME = 20;
export const CONCURRENCY_TOTAL = 40;
// A job locked by a crashed process is taken over after this; handlers are short use-case calls,
// and a reply-SLA reminder must not wait Agenda's default ten minutes.
export const LOCK_LIFETIME_MS = 60_000;

/** A job as this repository hands it to Agenda: with the token of the claim that locked it. */
export type ClaimedJob = JobParameters & { lockToken?: string };

/**
 * A timer being armed. `fresh` (not stored): its key cannot have a job yet, so it is inserted
 * rather than upserted (see `Timers.schedule`).
 */
export type ArmedJob = ClaimedJob & { fresh?: boolean };

export function isRecurring(job: JobParameters): boolean {
  return Boolean(job.repeatInterval || job.repeatAt || job.type === 'single');
}

export function toJobParameters(doc: Document): ClaimedJob {
  return {
    _id: toJobId((doc._id as ObjectId).toHexString()),
    name: doc.name,
    priority: doc.priority ?? 0,
    nextRunAt: doc.nextRunAt ?? null,
    type: doc.type ?? 'normal',
    data: doc.data,
    lockedAt: doc.lockedAt ?? undefined,
    lastFinishedAt: doc.lastFinishedAt ?? undefined,
    failedAt: doc.failedAt ?? undefined,
    failCount: doc.failCount ?? undefined,
    failReason: doc.failReason ?? undefined,
    repeatTimezone: doc.repeatTimezone ?? undefined,
    lastRunAt: doc.lastRunAt ?? undefined,
    repeatInterval: doc.repeatInterval ?? undefined,
    repeatAt: doc.repeatAt ?? undefined,
    disabled: doc.disabled ?? undefined,
    progress: doc.progress ?? undefined,
    lastModifiedBy: doc.lastModifiedBy ?? undefined,
    startDate: doc.startDate ?? undefined,
    endDate: doc.endDate ?? undefined,
    skipDays: doc.skipDays ?? undefined,
    lockToken: doc.lockToken,
  };
}

/** The timer key a job's data carries, when it is one of the engine's timers. */
export function timerKeyOf(data: unknown): string | undefined {
  const key = (data as { timerKey?: unknown } | null)?.timerKey;
  return typeof key === 'string' ? key : undefined;
}
