import { InMemoryNotificationChannel, toJobId, type JobNotification } from 'agenda';

/**
 * Agenda's in-process notification channel, used both ways as a wake-up. A job saved through
 * Agenda (a timer armed) is reported to the repository, which claims it at once when it is due
 * before the next tick would; the code that saved it never waits for that. The repository wakes
 * Agenda for job names with a claimed job now due. Job state notifications (for other processes'
 * event listeners) are not needed in one process and are dropped.
 */
export class WakeChannel extends InMemoryNotificationChannel {
  constructor(private readonly onSaved: (nextRunAt: Date | null) => void) {
    super();
  }

  override async publish(notification: JobNotification): Promise<void> {
    if (this.state === 'connected') this.onSaved(notification.nextRunAt);
  }

  override async publishState(): Promise<void> {}

  wake(jobNames: string[]): void {
    if (this.state !== 'connected') return;
    for (const jobName of jobNames) {
      void this.notifyHandlers({
        jobId: toJobId(''),
        jobName,
        nextRunAt: null,
        priority: 0,
        timestamp: new Date(),
      });
    }
  }
}
