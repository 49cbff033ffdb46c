import type { Db } from 'mongodb';
import type { Logger } from '../logger';
import { JOBS_COLLECTION } from './job-document';

/**
 * `nextRunAt` serves the claim and the sweep (a range scan over due jobs only, in due order);
 * `data.timerKey` serves re-arming and cancelling by key and keeps one job per key. Agenda's
 * five-field `findAndLockNextJobIndex` is dropped: nothing queries it any more, and on the
 * embedded engine each index costs every job write (a claim, a re-arm) its own update.
 */
export async function ensureJobIndexes(db: Db, logger: Logger): Promise<{ uniqueKeys: boolean }> {
  const jobs = db.collection(JOBS_COLLECTION);
  await jobs.createIndex({ nextRunAt: 1 }, { name: 'nextRunAt' });
  let uniqueKeys = true;
  try {
    await jobs.createIndex(
      { 'data.timerKey': 1 },
      { name: 'timerKey', unique: true, sparse: true },
    );
  } catch (error) {
    // Duplicates left by the old cancel-then-schedule, or an engine without sparse indexes:
    // re-arming is still one upsert by key, only two racing first schedules could both insert.
    logger.warn({ err: error }, 'timer keys indexed without uniqueness');
    await jobs.createIndex({ 'data.timerKey': 1 }, { name: 'timerKey_nonunique' });
    uniqueKeys = false;
  }
  const existing = await jobs.indexes();
  if (existing.some((index) => index.name === 'findAndLockNextJobIndex')) {
    await jobs.dropIndex('findAndLockNextJobIndex');
  }
  // Finished one-off jobs kept by earlier versions: nothing runs them again.
  await jobs.deleteMany({
    nextRunAt: null,
    lockedAt: null,
    type: 'normal',
    repeatInterval: null,
    repeatAt: null,
  });
  return { uniqueKeys };
}
