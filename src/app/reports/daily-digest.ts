import { dayIn, minuteOfDay } from '../../domain/report-period';
import { buildReport, COMPANY, type Report, type ReportDeps } from './report';

/** Remembers the days a digest went out, so it goes once a day however often it is asked for. */
export interface DigestLatch {
  /** True for the first claim of a day only (across processes). */
  claim(day: string): Promise<boolean>;
  /** Gives a day back after its digest could not be sent, so a later run sends it. */
  release(day: string): Promise<void>;
}

export interface DigestDeps {
  report: ReportDeps;
  latch: DigestLatch;
  /** Minutes after midnight, in the company's time zone, from which the day's digest is due. */
  atMinute: number;
  /** Sends the digest to the heads' chat, in its language. */
  send(report: Report): Promise<void>;
}

/**
 * The daily digest to the heads' chat: yesterday's figures for the whole company, once a day,
 * from the configured time on. Run it as often as wanted (a recurring job, a restart, several
 * processes): only the first run of a day at or after the time sends anything.
 */
export async function runDailyDigest(deps: DigestDeps): Promise<boolean> {
  const { timeZone, clock } = deps.report;
  const now = clock.now();
  if (minuteOfDay(timeZone, now) < deps.atMinute) return false;
  const day = dayIn(timeZone, now);
  if (!(await deps.latch.claim(day))) return false;
  try {
    await deps.send(await buildReport(deps.report, COMPANY, 'yesterday'));
  } catch (error) {
    await deps.latch.release(day);
    throw error;
  }
  return true;
}
