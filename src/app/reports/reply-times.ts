import type { Channel } from '../../domain/channel';
import type { Range } from '../../domain/report-period';
import { summarise, type Durations } from './percentiles';

/** One message as the reply clock needs it. */
export interface TimedMessage {
  conversationId: string;
  channel: Channel;
  direction: 'inbound' | 'outbound';
  /** Set on a staff member's reply; robots' messages have none and do not stop the clock. */
  authorUserId?: string;
  sentAt: Date;
}

export interface Reply {
  userId: string;
  channel: Channel;
  ms: number;
  /** The answer to the conversation's first wait. */
  first: boolean;
}

/**
 * Every staff reply sent within `range` and how long the client had waited for it: from the
 * first of their messages still unanswered to the reply (PRODUCT.md, process 3: the wait counts
 * from the client's message, a reply stops the clock). `messages` must hold each conversation's
 * whole history up to `range.to`, so the first reply is known to be the first.
 */
export function repliesIn(messages: readonly TimedMessage[], range: Range): Reply[] {
  const byConversation = new Map<string, TimedMessage[]>();
  for (const message of messages) {
    const list = byConversation.get(message.conversationId) ?? [];
    list.push(message);
    byConversation.set(message.conversationId, list);
  }
  const replies: Reply[] = [];
  for (const list of byConversation.values()) {
    list.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
    let waitingSince: Date | undefined;
    let answered = false;
    for (const message of list) {
      if (message.direction === 'inbound') {
        waitingSince ??= message.sentAt;
        continue;
      }
      if (!message.authorUserId || !waitingSince) continue;
      const at = message.sentAt.getTime();
      if (at >= range.from.getTime() && at < range.to.getTime()) {
        replies.push({
          userId: message.authorUserId,
          channel: message.channel,
          ms: at - waitingSince.getTime(),
          first: !answered,
        });
      }
      answered = true;
      waitingSince = undefined;
    }
  }
  return replies;
}

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
