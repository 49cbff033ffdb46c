import type { TimerHandlers } from '../../src/app/process/timer-handlers';
import type { TimerName, Timers } from '../../src/app/process/ports';
import type { Clock } from '../../src/domain/ports';
import { runTimer } from '../../src/jobs/timer-payloads';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date): void {
    this.current = new Date(to);
  }
}

interface Pending {
  at: Date;
  name: TimerName;
  data: Record<string, unknown>;
}

/**
 * The Timers port on a controllable clock: advancing fires every due timer in time order, with
 * the clock set to each timer's own time, exactly as Agenda would fire them on a real clock.
 */
export class ManualTimers implements Timers {
  readonly pending = new Map<string, Pending>();
  handlers?: TimerHandlers;

  constructor(private readonly clock: ManualClock) {}

  async schedule(key: string, at: Date, name: TimerName, data: Record<string, unknown>) {
    this.pending.set(key, { at, name, data: JSON.parse(JSON.stringify(data)) });
  }

  async cancel(key: string) {
    this.pending.delete(key);
  }

  async advanceBy(ms: number): Promise<void> {
    await this.advanceTo(new Date(this.clock.now().getTime() + ms));
  }

  async advanceTo(to: Date): Promise<void> {
    for (;;) {
      const due = [...this.pending.entries()]
        .filter(([, timer]) => timer.at.getTime() <= to.getTime())
        .sort(([, a], [, b]) => a.at.getTime() - b.at.getTime())[0];
      if (!due) break;
      const [key, timer] = due;
      this.pending.delete(key);
      if (timer.at.getTime() > this.clock.now().getTime()) this.clock.set(timer.at);
      // Parsed as Agenda's jobs parse them; a malformed payload here is a bug in the test or code.
      await runTimer(this.handlers!, timer.name, timer.data, (malformed) => {
        throw new Error(`malformed timer payload: ${JSON.stringify(malformed)}`);
      });
    }
    this.clock.set(to);
  }

  scheduledNames(): string[] {
    return [...this.pending.keys()].sort();
  }
}
