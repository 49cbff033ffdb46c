import type { Channel } from '../../domain/channel';
import type { InboundMessage } from '../../domain/message';
import type { IngestInbound, IngestResult } from './ingest-inbound';

/** Counts ingested messages by channel and outcome (the metrics' counter, as a port). */
export interface IngestCounter {
  inc(labels: { channel: Channel; result: IngestResult['outcome'] }): void;
}

/** Ingest as the inbox and manual callers run it: each message counted once it is done. */
export class CountedIngest {
  constructor(
    private readonly ingest: IngestInbound,
    private readonly counter: IngestCounter,
  ) {}

  /** A callback of the inbox: bound. */
  readonly run = async (
    message: InboundMessage,
    options?: { resumed: boolean },
  ): Promise<IngestResult> => {
    const result = await this.ingest.ingest(message, options);
    this.counter.inc({ channel: message.channel, result: result.outcome });
    return result;
  };
}
