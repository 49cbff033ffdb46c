import type { Range } from '../../domain/report-period';
import { replyWaitsOfHistory, type ReplyWait, type TimedMessage } from '../../domain/reply-wait';
import { CHANNELS, type Channel } from '../../domain/channel';
import { isDuplicateKeyError } from '../database';
import type { Models } from '../models';
import { inChunks } from './plain';

const HOUR = 3_600_000;
/** Conversations whose history the backfill reads at once. */
const READS_IN_FLIGHT = 8;
/** Conversations the backfill notes the waits of together. */
const BACKFILL_PAGE = 400;
/** The setting that says this database's earlier replies' waits are noted (or need not be). */
export const BACKFILLED = 'replyWaits.backfilled';

/** The UTC hour an instant falls in, as the bucket's `_id`. */
const hourOf = (ms: number) => new Date(ms - (ms % HOUR)).toISOString().slice(0, 13);

/**
 * One reply as one string: `at ms first user channel department message`. A string is one value
 * to decode, where a subdocument is seven — the embedded engine's cost is per value decoded.
 */
function pack(wait: ReplyWait): string {
  return [
    wait.at.getTime(),
    wait.ms,
    wait.first ? 1 : 0,
    wait.userId,
    wait.channel,
    wait.departmentId ?? '-',
    wait.messageId,
  ].join(' ');
}

const isChannel = (value: string | undefined): value is Channel =>
  (CHANNELS as readonly string[]).includes(value ?? '');

function unpack(packed: string): ReplyWait | undefined {
  const [at, ms, first, userId, channel, departmentId, messageId] = packed.split(' ');
  if (!userId || !messageId || !isChannel(channel)) return undefined;
  return {
    messageId,
    at: new Date(Number(at)),
    userId,
    ...(departmentId && departmentId !== '-' ? { departmentId } : {}),
    channel,
    first: first === '1',
    ms: Number(ms),
  };
}

/** Waits as the hour documents that hold them (the benchmark seeds these straight). */
export function replyWaitHours(waits: readonly ReplyWait[]): { _id: string; replies: string[] }[] {
  const byHour = new Map<string, string[]>();
  for (const wait of waits) {
    const hour = hourOf(wait.at.getTime());
    const packed = byHour.get(hour) ?? [];
    packed.push(pack(wait));
    byHour.set(hour, packed);
  }
  return [...byHour].map(([_id, replies]) => ({ _id, replies }));
}

export interface ReplyWaitStore {
  /** Notes waits; noting the same reply again changes nothing. */
  note(...waits: ReplyWait[]): Promise<void>;
  /** The replies sent within the range, each once. */
  between(range: Range): Promise<ReplyWait[]>;
}

export function createReplyWaitStore(models: Models): ReplyWaitStore {
  const { ReplyWaitHour } = models;

  const addToHour = async (hour: string, packed: string[]) => {
    const update = { $addToSet: { replies: { $each: packed } } };
    try {
      await ReplyWaitHour.updateOne({ _id: hour }, update, { upsert: true });
    } catch (error) {
      // Two first replies of an hour raced to create it: the other one did, so this adds to it.
      if (!isDuplicateKeyError(error)) throw error;
      await ReplyWaitHour.updateOne({ _id: hour }, update);
    }
  };

  return {
    async note(...waits) {
      await Promise.all(replyWaitHours(waits).map((hour) => addToHour(hour._id, hour.replies)));
    },

    async between(range) {
      const hours: string[] = [];
      for (let at = range.from.getTime(); at < range.to.getTime(); at += HOUR) {
        hours.push(hourOf(at));
      }
      const last = hourOf(range.to.getTime() - 1);
      if (hours.at(-1) !== last && range.to > range.from) hours.push(last);
      if (hours.length === 0) return [];
      // `_id` lists: a point lookup per hour on every engine (a range on `_id` is a scan on some),
      // cut as `inChunks` says (a month is 744 hours).
      const docs = (
        await Promise.all(
          inChunks(hours).map((part) => ReplyWaitHour.find({ _id: { $in: part } }).lean()),
        )
      ).flat();
      // By message: a reply noted twice with different details (live, and by the backfill while
      // it ran) still counts once.
      const waits = new Map<string, ReplyWait>();
      for (const doc of docs) {
        for (const packed of doc.replies) {
          const wait = unpack(packed);
          if (wait && wait.at >= range.from && wait.at < range.to) waits.set(wait.messageId, wait);
        }
      }
      return [...waits.values()];
    },
  };
}

/**
 * Notes the waits of replies sent before waits were noted as replies went out, once per
 * database: each answered conversation's history is walked as reports used to, and the
 * conversation learns its first reply. Returns how many conversations it read, or undefined when
 * it had already run or was stopped.
 */
export async function backfillReplyWaits(
  models: Models,
  /** Checked between pages: a stopping hub ends it there, to carry on at its next start. */
  stopping: () => boolean = () => false,
): Promise<number | undefined> {
  const { Conversation, Message, Setting } = models;
  if (await Setting.exists({ key: BACKFILLED })) return undefined;
  const store = createReplyWaitStore(models);
  // `{lastOutboundAt}` serves this as a range: the conversations anything was ever sent to.
  const answered = await Conversation.find({ lastOutboundAt: { $gt: new Date(0) } })
    .select({ _id: 1 })
    .lean();
  const walk = async (conversationId: (typeof answered)[number]['_id']) => {
    const docs = await Message.find({ conversationId })
      .select({ channel: 1, direction: 1, authorUserId: 1, sentAt: 1 })
      .lean();
    return replyWaitsOfHistory(
      docs.map((doc): TimedMessage => ({
        id: doc._id.toHexString(),
        channel: doc.channel as Channel,
        direction: doc.direction,
        ...(doc.authorUserId ? { authorUserId: doc.authorUserId.toHexString() } : {}),
        sentAt: doc.sentAt,
      })),
    );
  };
  // A page of conversations at a time: their waits go in one write per hour they touch and their
  // first replies in one bulk write, rather than a few writes per conversation.
  for (let page = 0; page < answered.length; page += BACKFILL_PAGE) {
    if (stopping()) return undefined;
    const ids = answered.slice(page, page + BACKFILL_PAGE).map((doc) => doc._id);
    const waits: ReplyWait[][] = [];
    for (let i = 0; i < ids.length; i += READS_IN_FLIGHT) {
      waits.push(...(await Promise.all(ids.slice(i, i + READS_IN_FLIGHT).map(walk))));
    }
    await store.note(...waits.flat());
    const firsts = ids.flatMap((_id, i) => {
      const first = waits[i]?.[0];
      return first
        ? [{ updateOne: { filter: { _id }, update: { $min: { firstReplyAt: first.at } } } }]
        : [];
    });
    if (firsts.length > 0) await Conversation.bulkWrite(firsts, { ordered: false });
  }
  await Setting.updateOne({ key: BACKFILLED }, { $set: { value: true } }, { upsert: true });
  return answered.length;
}
