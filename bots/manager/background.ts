/**
 * Work started by an update that must not hold the update up (an import, an export): long
 * polling handles updates one at a time, and a webhook is answered within seconds. Kept so a
 * stopping hub can wait for it; a failure goes to `onError`, never to an unhandled rejection.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly onError: (error: unknown) => void) {}

  run(work: () => Promise<void>): void {
    const done: Promise<void> = work()
      .catch((error: unknown) => this.onError(error))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  /** Resolves once everything started so far has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
