import type { Report } from './report';

/**
 * The recurring daily-digest job. The jobs start before the manager bot that sends the digest
 * exists; without a sender connected (the bot off, or not yet up) the job does nothing and
 * returns false, so the day's digest is still due at the next run.
 */
export class DigestJob {
  private send: ((report: Report) => Promise<void>) | undefined;

  constructor(
    private readonly digest: {
      dailyDigest(send: (report: Report) => Promise<void>): Promise<boolean>;
    },
  ) {}

  connect(send: (report: Report) => Promise<void>): void {
    this.send = send;
  }

  /** The job's handler: bound. */
  readonly run = async (): Promise<boolean> =>
    this.send ? this.digest.dailyDigest(this.send) : false;
}
