import { CHANNELS, type Channel } from '../../domain/channel';
import type { InboundMessage } from '../../domain/message';
import type { FileStore } from '../../domain/ports';
import type { ChannelSender } from './outbox-worker';

/** What the hub does with a customer channel (the channel contract, as this layer sees it). */
export interface CustomerChannel extends ChannelSender {
  readonly id: Channel;
  start(sink: (message: InboundMessage) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
  /** Absent when the hub keeps the channel's files itself (the widget's uploads). */
  fetchFile?(fileRef: string): Promise<{ data: Buffer; mimeType?: string }>;
}

/** Every channel by its id; one without an account configured is `undefined`, never missing. */
export type ChannelsById<C extends CustomerChannel = CustomerChannel> = Readonly<
  Record<Channel, C | undefined>
>;

/**
 * The hub's customer channels, started and stopped together. A channel sends and serves files
 * only once started, so what is queued before (a conversion resumed at start-up) waits in the
 * outbox for its channel, as it would for one not configured.
 */
export class CustomerChannels {
  private readonly live = new Map<Channel, CustomerChannel>();

  constructor(
    private readonly channels: ChannelsById,
    /** Where the hub keeps the files of channels that fetch none themselves. */
    private readonly files: Pick<FileStore, 'get'>,
  ) {}

  /** Started channels by id: the outbox worker's senders. */
  readonly sender = (channel: Channel): ChannelSender | undefined => this.live.get(channel);

  /** Each configured channel, in the order of CHANNELS; every message goes through `sink`. */
  async start(sink: (message: InboundMessage) => Promise<void>): Promise<void> {
    for (const id of CHANNELS) {
      const channel = this.channels[id];
      if (!channel) continue;
      this.live.set(id, channel);
      await channel.start(sink);
    }
  }

  async stop(): Promise<void> {
    for (const channel of this.live.values()) await channel.stop();
    this.live.clear();
  }

  /** A customer's file, from the hub's store (the widget's) or from its channel. */
  async loadFile(
    channel: Channel,
    ref: string,
  ): Promise<{ data: Buffer; mimeType?: string } | undefined> {
    const configured = this.channels[channel];
    if (configured && !configured.fetchFile) return this.files.get(ref);
    return this.live.get(channel)?.fetchFile?.(ref);
  }
}
