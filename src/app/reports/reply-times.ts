import type { Channel } from '../../domain/channel';
import type { ReplyWait } from '../../domain/reply-wait';
import { summarise, type Durations } from './percentiles';

/** A staff reply as the figures need it (src/domain/reply-wait.ts notes them as they are sent). */
export type Reply = Pick<ReplyWait, 'userId' | 'channel' | 'ms' | 'first'>;

export interface ReplyStats {
  first: Durations;
  every: Durations;
}

export interface ReplyTimes {
  total: ReplyStats;
  byManager: Map<string, ReplyStats>;
  byChannel: Map<Channel, ReplyStats>;
}

const statsOf = (replies: readonly Reply[]): ReplyStats => ({
  first: summarise(replies.filter((reply) => reply.first).map((reply) => reply.ms)),
  every: summarise(replies.map((reply) => reply.ms)),
});

function groupBy<K>(replies: readonly Reply[], key: (reply: Reply) => K): Map<K, ReplyStats> {
  const groups = new Map<K, Reply[]>();
  for (const reply of replies) groups.set(key(reply), [...(groups.get(key(reply)) ?? []), reply]);
  return new Map([...groups].map(([k, list]) => [k, statsOf(list)]));
}

/** First-reply and every-reply times: median and 90th percentile, overall, per manager, per channel. */
export function replyTimes(replies: readonly Reply[]): ReplyTimes {
  return {
    total: statsOf(replies),
    byManager: groupBy(replies, (reply) => reply.userId),
    byChannel: groupBy(replies, (reply) => reply.channel),
  };
}
