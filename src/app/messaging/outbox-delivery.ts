import type { OutboxItem } from '../../domain/outbox';
import type { Lease } from '../lease';
import { OutboxWorker, type OutboxWorkerDeps } from './outbox-worker';

export interface OutboxDeliveryDeps extends Omit<OutboxWorkerDeps, 'wakeAt'> {
  /**
   * The safety net only: a queued message wakes the outbox, and a message held back (a chat's
   * pace, a retry) sets a timer for its time; this catches what another process queued.
   */
  tickMs: number;
  /** A pass failed as a whole (the database); the next wake or tick tries again. */
  onPassError(error: unknown): void;
}

/**
 * The outbox worker and what wakes it in this process: a queued message (`wake`), the earliest
 * time a held-back chat may go on, and a slow tick for what other processes queued.
 */
export class OutboxDelivery {
  private readonly worker: OutboxWorker;
  private heldBack: { timer: NodeJS.Timeout; at: number } | undefined;
  private tick: NodeJS.Timeout | undefined;
  private ticking = false;
  /** Passes run once the channels are up: before, every send would only be put off. */
  private started = false;

  constructor(private readonly deps: OutboxDeliveryDeps) {
    this.worker = new OutboxWorker({ ...deps, wakeAt: (at) => this.wakeAt(at) });
  }

  /**
   * Something was queued: a pass now, not at the next tick (a callback: bound). Before `start`
   * (a conversion resumed at start-up queues a robot's message) it waits for the ticks.
   */
  readonly wake = (): void => {
    if (!this.started) return;
    void this.worker.runOnce().catch((error: unknown) => this.deps.onPassError(error));
  };

  /** The lease this process's worker holds its entries under: queue under it to skip a claim. */
  lease(): Lease {
    return this.deps.lease();
  }

  /** Entries this process just queued under its lease: to their chats' lanes at once. */
  take(entries: OutboxItem[]): void {
    this.worker.take(entries);
  }

  /** One pass now, and every send it handed out finished (tests). */
  async deliverNow(): Promise<number> {
    const handed = await this.worker.runOnce();
    await this.worker.idle();
    return handed;
  }

  start(): void {
    this.started = true;
    this.tick = setInterval(() => {
      // A slow pass (a channel rate-limiting us) must not pile more passes up behind it.
      if (this.ticking) return;
      this.ticking = true;
      // A pass only hands entries to their chats' lanes, so it is quick whatever a chat waits on.
      void this.worker
        .runOnce()
        .catch((error: unknown) => this.deps.onPassError(error))
        .finally(() => (this.ticking = false));
    }, this.deps.tickMs);
  }

  /** No more passes; sends in flight finish (each call has a timeout), the rest go back. */
  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.tick);
    if (this.heldBack) clearTimeout(this.heldBack.timer);
    this.heldBack = undefined;
    await this.worker.stop();
  }

  /**
   * One timer, for the earliest time a held-back chat may go on; a pass then catches every chat
   * due by then, so later times need no timer of their own until this one has fired.
   */
  private wakeAt(at: number): void {
    if (this.heldBack && this.heldBack.at <= at) return;
    if (this.heldBack) clearTimeout(this.heldBack.timer);
    const timer = setTimeout(
      () => {
        this.heldBack = undefined;
        this.wake();
      },
      Math.max(0, at - this.deps.clock.now().getTime()) + 5,
    );
    this.heldBack = { timer, at };
  }
}
