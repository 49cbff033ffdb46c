/**
 * Telegram's flood limits for one bot, as the fake Bot API enforces them and as P4's "fastest
 * possible" schedule obeys them: a private chat takes one message a second, the bot 30 a second
 * in all (any 1,000 ms window). The same rules on both sides, so a hub that paced itself perfectly
 * would meet the minimum exactly and never see a 429.
 */

export interface TelegramLimits {
  /** Bots (the token's number) held to the limits. */
  botIds: string[];
  /** Telegram: about one message a second to one private chat. */
  perChatIntervalMs: number;
  /** Telegram: about 30 messages a second from one bot in all. */
  perBotPerSecond: number;
}

export const TELEGRAM_LIMITS: Omit<TelegramLimits, 'botIds'> = {
  perChatIntervalMs: 1000,
  perBotPerSecond: 30,
};

export class TelegramLimiter {
  private readonly lastByChat = new Map<string, number>();
  /** The last `perBotPerSecond` accepted sends, oldest first. */
  private readonly recent: number[] = [];

  constructor(private readonly limits: Omit<TelegramLimits, 'botIds'>) {}

  /** The earliest time (ms) a send to this chat may be accepted, given what was accepted. */
  freeAt(chatId: string): number {
    const last = this.lastByChat.get(chatId);
    const chatFree = last === undefined ? -Infinity : last + this.limits.perChatIntervalMs;
    const botFree =
      this.recent.length >= this.limits.perBotPerSecond ? this.recent[0]! + 1000 : -Infinity;
    return Math.max(chatFree, botFree);
  }

  accept(chatId: string, at: number): void {
    this.lastByChat.set(chatId, at);
    this.recent.push(at);
    if (this.recent.length > this.limits.perBotPerSecond) this.recent.shift();
  }

  /** A send now: 0 when accepted, else Telegram's `retry_after` (whole seconds, at least 1). */
  check(chatId: string, now: number): number {
    const free = this.freeAt(chatId);
    if (free > now) return Math.max(1, Math.ceil((free - now) / 1000));
    this.accept(chatId, now);
    return 0;
  }
}

/**
 * When the last of these messages could go out at the earliest under the limits, each no sooner
 * than it was queued and each chat's in order: every step sends whichever chat's next message may
 * go first, and of chats that may go at the same moment the one with the most left (a chat left
 * with a long tail at the end would be held to one a second).
 */
export function fastestFinish(
  messages: readonly { readyAt: number; chatId: string }[],
  limits: Omit<TelegramLimits, 'botIds'>,
): number {
  const queues = new Map<string, number[]>();
  for (const { readyAt, chatId } of messages) {
    const queue = queues.get(chatId);
    if (queue) queue.push(readyAt);
    else queues.set(chatId, [readyAt]);
  }
  for (const queue of queues.values()) queue.sort((a, b) => a - b);
  const limiter = new TelegramLimiter(limits);
  let now = -Infinity;
  for (let left = messages.length; left > 0; left--) {
    let best: { chatId: string; at: number; left: number } | undefined;
    for (const [chatId, queue] of queues) {
      if (!queue.length) continue;
      const at = Math.max(queue[0]!, limiter.freeAt(chatId));
      if (!best || at < best.at || (at === best.at && queue.length > best.left)) {
        best = { chatId, at, left: queue.length };
      }
    }
    now = Math.max(now, best!.at);
    queues.get(best!.chatId)!.shift();
    limiter.accept(best!.chatId, now);
  }
  return now;
}
