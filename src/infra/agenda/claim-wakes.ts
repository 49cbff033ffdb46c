import { timerDelay } from '../timer-delay';
import { CLAIM_MARGIN_MS, LOOKAHEAD_MS } from './job-document';

/**
 * When a job saved here must be claimed: the first poll tick that can see it (within the
 * lookahead) claims it; when that tick would come too late, it is claimed at once, or shortly
 * before it is due (ticks rarer than the lookahead).
 */
export class ClaimWakes {
  private firstTick = 0;
  private running = false;
  private wakes: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly processEveryMs: number,
    /** Asks for a claim round now. */
    private readonly claim: () => void,
  ) {}

  start(): void {
    this.running = true;
    this.firstTick = Date.now() + this.processEveryMs;
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.wakes = [];
  }

  saved(nextRunAt: Date | null): void {
    if (!this.running) return;
    const now = Date.now();
    const due = nextRunAt?.getTime() ?? now;
    const from = Math.max(now, due - LOOKAHEAD_MS);
    const tick =
      this.firstTick +
      Math.ceil(Math.max(0, from - this.firstTick) / this.processEveryMs) * this.processEveryMs;
    if (tick + CLAIM_MARGIN_MS <= due) return;
    const claimAt = due - LOOKAHEAD_MS / 2;
    if (claimAt <= now) {
      this.claim();
      return;
    }
    // A claim up to a second earlier covers it too (it looks 10 s ahead).
    if (this.wakes.some((at) => at <= claimAt && at >= claimAt - 1000)) return;
    this.wakes.push(claimAt);
    this.wakes.sort((a, b) => a - b);
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    const next = this.wakes[0];
    if (next === undefined || !this.running) return;
    this.timer = setTimeout(
      () => {
        const now = Date.now();
        while (this.wakes[0] !== undefined && this.wakes[0] <= now) this.wakes.shift();
        this.claim();
        this.arm();
      },
      timerDelay(next, Date.now()),
    );
    this.timer.unref();
  }
}
