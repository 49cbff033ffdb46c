import { timerDelay } from '../timer-delay';
import type { ClaimedJob } from './job-document';

/** Jobs due this soon are handed to Agenda with the due ones; it fires them at their time. */
const HAND_EARLY_MS = 10;

/**
 * Claimed jobs waiting for their time, per job name, earliest first. A local timer wakes Agenda
 * (through `wake`) for the names with a job now due, and Agenda takes them with `take`.
 */
export class DueJobs {
  private readonly buffers = new Map<string, ClaimedJob[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly wake: (jobNames: string[]) => void,
    private readonly active: () => boolean,
  ) {}

  add(jobs: ClaimedJob[]): void {
    if (jobs.length === 0) return;
    const names = new Set<string>();
    for (const job of jobs) {
      const buffer = this.buffers.get(job.name) ?? [];
      buffer.push(job);
      this.buffers.set(job.name, buffer);
      names.add(job.name);
    }
    for (const name of names) {
      this.buffers.get(name)!.sort((a, b) => a.nextRunAt!.getTime() - b.nextRunAt!.getTime());
    }
    this.arm();
  }

  /** The next job of a name, when it is due. */
  take(jobName: string): ClaimedJob | undefined {
    const buffer = this.buffers.get(jobName);
    const next = buffer?.[0];
    if (!next?.nextRunAt || next.nextRunAt.getTime() > Date.now() + HAND_EARLY_MS) return undefined;
    buffer!.shift();
    return next;
  }

  /** Forgets one claim of a job (it was re-armed or cancelled). */
  drop(id: string, token: string): void {
    for (const [name, buffer] of this.buffers) {
      this.buffers.set(
        name,
        buffer.filter((job) => !(String(job._id) === id && job.lockToken === token)),
      );
    }
  }

  clear(): void {
    this.buffers.clear();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Wakes Agenda for the names with a due job, and sets the timer for the next one. */
  private arm(): void {
    if (!this.active()) return;
    const now = Date.now();
    const dueNames: string[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [name, buffer] of this.buffers) {
      // Sorted: the due ones first (Agenda takes them all), then the next one to wait for.
      const firstFuture = buffer.find((job) => job.nextRunAt!.getTime() > now + HAND_EARLY_MS);
      if (buffer[0] && buffer[0] !== firstFuture) dueNames.push(name);
      if (firstFuture) next = Math.min(next, firstFuture.nextRunAt!.getTime());
    }
    if (dueNames.length > 0) this.wake(dueNames);
    if (next < this.timerAt || this.timer === undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = next;
      if (next !== Number.POSITIVE_INFINITY) {
        this.timer = setTimeout(
          () => {
            this.timer = undefined;
            this.timerAt = Number.POSITIVE_INFINITY;
            this.arm();
          },
          timerDelay(next, now),
        );
        this.timer.unref();
      }
    }
  }
}
