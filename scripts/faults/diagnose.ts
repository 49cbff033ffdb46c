/**
 * Why a reply the hub took never reached its customer, read from the scenario's database before
 * it is thrown away: was the manager's update recorded, was the reply queued in the outbox (and
 * how it ended), and when did the card it answered become known to the hub (its Telegram ref).
 */
import { DISPATCHER_TELEGRAM_ID } from '../bench/database';
import type { FaultDatabase } from './database';

/** One line per lost reply n, for the row's notes. */
export async function whyLost(
  db: FaultDatabase,
  lost: number[],
  acceptedAt: Map<number, number>,
  cardIds: Map<number, number[]>,
): Promise<string[]> {
  const lines: string[] = [];
  for (const n of lost.slice(0, 5)) {
    const updateId = 500_000 + n;
    const cause = `staff:${DISPATCHER_TELEGRAM_ID}:${20_000 + n}`;
    const update = await db
      .db()
      .collection<{ _id: number }>('managerupdates')
      .findOne({ _id: updateId });
    const entries = await db
      .db()
      .collection('outbox')
      .find({ key: { $regex: `^${cause}:` } })
      .toArray();
    const cardRef = `${DISPATCHER_TELEGRAM_ID}:${cardIds.get(n)?.[0] ?? 0}`;
    const card = await db.db().collection('notifications').findOne({ telegramRefs: cardRef });
    const outbox = entries.length
      ? entries.map((entry) => `${entry.status}${entry.lastError ? ` (${entry.lastError})` : ''}`)
      : ['none'];
    lines.push(
      `lost #${n}: update ${update ? JSON.stringify(update) : 'not recorded'}; outbox ${outbox.join(', ')}; ` +
        `card ref ${card ? `recorded (updated ${card.updatedAt?.toISOString?.()})` : 'never recorded'}; ` +
        `reply taken ${new Date(performance.timeOrigin + (acceptedAt.get(n) ?? 0)).toISOString()}`,
    );
  }
  return lines;
}
