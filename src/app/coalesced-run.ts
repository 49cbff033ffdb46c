/**
 * Runs one piece of work at a time, however often it is asked for. A request during a run gets
 * the next run, which starts when the current one ends (so what the caller just stored is seen);
 * every request made meanwhile shares that next run instead of queueing its own.
 */
export class CoalescedRun<T> {
  private running: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(private readonly work: () => Promise<T>) {}

  run(): Promise<T> {
    if (!this.running) {
      this.running = this.work().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.run();
      });
    return this.queued;
  }
}
