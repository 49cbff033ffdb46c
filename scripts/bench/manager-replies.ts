/**
 * Staff replies the way managers write them: a Telegram reply to a client's card in the manager
 * bot, posted to the hub's manager webhook as Telegram posts it. Telegram hands one chat's updates
 * over in order (PERFORMANCE.md: updates of one chat arrive in order; one that fails blocks that
 * chat), so each staff member's replies go one after another, the next once the last was answered
 * 2xx, a refused one delivered again after a pause; several staff chats run side by side, at most
 * `connections` (the webhook's `max_connections`, 40 by default) at once. The hub queues each reply
 * in its outbox under the manager's message as its cause, so a redelivery never sends twice.
 */
import { MANAGER_BOT_ID, type CardRef } from './fake-bot-api';
import { interruption } from './interrupt';
import { sleep } from './stats';
import { MANAGER_WEBHOOK_PATH, WebhookClient, type PostOutcome } from './webhook-client';

/** Telegram retries a failed webhook after a pause; a second is on the quick side of it. */
const REDELIVER_AFTER_MS = 1000;
/**
 * How long an update waits for the hub's answer: the hub answers its manager webhook within
 * MANAGER_WEBHOOK_DEADLINE_MS (8 s) because Telegram gives up at 10 s.
 */
const TELEGRAM_WEBHOOK_TIMEOUT_MS = 10_000;

/** The manager webhook's side of Telegram: `connections` updates in flight at most. */
export const managerWebhookClient = (port: number, connections: number) =>
  new WebhookClient(port, { connections, timeoutMs: TELEGRAM_WEBHOOK_TIMEOUT_MS });

export interface StaffReply {
  updateId: number;
  /** The staff member's own message id: the reply's cause, one per reply. */
  messageId: number;
  /** The card answered, in the chat of the staff member it was shown to (who writes the reply). */
  card: CardRef;
  text: string;
}

/** A staff member's reply to a card, as the manager bot's webhook receives it. */
export function replyUpdate(reply: StaffReply) {
  const now = Math.floor(Date.now() / 1000);
  // A private chat's id is the person's own Telegram id.
  const chat = { id: reply.card.chatId, type: 'private' };
  return {
    update_id: reply.updateId,
    message: {
      message_id: reply.messageId,
      date: now,
      chat,
      from: { id: reply.card.chatId, is_bot: false, first_name: 'Staff' },
      text: reply.text,
      reply_to_message: {
        message_id: reply.card.messageId,
        date: now,
        chat,
        from: { id: Number(MANAGER_BOT_ID), is_bot: true, first_name: 'bench' },
        text: 'card',
      },
    },
  };
}

export interface ReplyPosting {
  /** performance.now() of the first POST. */
  firstPostedAt: number;
  /** performance.now() of the 2xx answer; undefined: never taken before the deadline. */
  acceptedAt?: number;
  attempts: number;
  last: PostOutcome;
}

const is2xx = (outcome: PostOutcome) => typeof outcome === 'number' && outcome < 300;

/** Posts one reply until the hub takes it (2xx) or `giveUpAt` (performance.now()) passes. */
export async function postReply(
  client: WebhookClient,
  reply: StaffReply,
  giveUpAt: number,
): Promise<ReplyPosting> {
  const update = replyUpdate(reply);
  const firstPostedAt = performance.now();
  let attempts = 0;
  for (;;) {
    attempts++;
    const { outcome } = await client.postJson(MANAGER_WEBHOOK_PATH, update);
    const now = performance.now();
    if (is2xx(outcome)) return { firstPostedAt, acceptedAt: now, attempts, last: outcome };
    if (now + REDELIVER_AFTER_MS >= giveUpAt || interruption.requested) {
      return { firstPostedAt, attempts, last: outcome };
    }
    await sleep(REDELIVER_AFTER_MS);
  }
}

export interface RepliesPosted {
  /** Replies the hub never answered 2xx before the deadline (or never posted by then). */
  notTaken: number;
  /** POSTs beyond the first, in all (the hub answered 503, timed out or failed). */
  redeliveries: number;
  /** Staff chats the replies came from. */
  staffChats: number;
}

/**
 * Posts every reply, each staff chat's in the list's order and one at a time, at most
 * `connections` chats at once, until `giveUpAt`: a chat whose update is not taken by then stops
 * there, as Telegram's would, and the rest of its replies count as not taken.
 */
export async function postReplies(
  client: WebhookClient,
  replies: readonly StaffReply[],
  options: { connections: number; giveUpAt: number },
): Promise<RepliesPosted> {
  const byChat = new Map<number, StaffReply[]>();
  for (const reply of replies) {
    const queue = byChat.get(reply.card.chatId);
    if (queue) queue.push(reply);
    else byChat.set(reply.card.chatId, [reply]);
  }
  const chats = [...byChat.values()];
  let taken = 0;
  let redeliveries = 0;
  const worker = async () => {
    for (let queue = chats.shift(); queue; queue = chats.shift()) {
      for (const reply of queue) {
        if (performance.now() >= options.giveUpAt || interruption.requested) break;
        const posting = await postReply(client, reply, options.giveUpAt);
        redeliveries += posting.attempts - 1;
        if (posting.acceptedAt === undefined) break;
        taken++;
      }
    }
  };
  const workers = Math.max(1, Math.min(options.connections, byChat.size));
  await Promise.all(Array.from({ length: workers }, worker));
  return { notTaken: replies.length - taken, redeliveries, staffChats: byChat.size };
}
