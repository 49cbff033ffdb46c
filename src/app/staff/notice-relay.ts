import type { QueuedNotice } from './notification-queue';

/**
 * Staff notices this process just stored, passed on to its delivery from memory. The notifier is
 * made with the process, before the manager bot that delivers; the bot connects once it runs.
 * Until then, or with the bot off, notices simply wait in the store for a delivery to take them.
 */
export class NoticeRelay {
  private deliver: ((notices: QueuedNotice[]) => void) | undefined;

  connect(deliver: (notices: QueuedNotice[]) => void): void {
    this.deliver = deliver;
  }

  /** The notifier's `onQueued`: bound. */
  readonly push = (notices: QueuedNotice[]): void => {
    this.deliver?.(notices);
  };
}
