import type { Models } from '../models';
import { oid } from './plain';

/** What a person holds now: open leads, open deals (as sales or operations) and open tasks. */
export interface OpenLoad {
  leads: number;
  deals: number;
  tasks: number;
}

/**
 * Counted per person, each an equality on `{responsibles.<slot>, closed}` or `{assigneeId,
 * status}` that an index serves on every engine: only that person's open records are read, where
 * one query with a `$in` of the people read every record, closed ones included, on the embedded
 * engine. The team lists' (`/team`): a few people, counted when asked. Reports count from the
 * records they hold (report-view.ts).
 */
export async function openLoadOf(
  models: Models,
  userIds: readonly string[],
): Promise<Map<string, OpenLoad>> {
  const { Lead, Deal, Task } = models;
  return new Map(
    await Promise.all(
      userIds.map(async (userId) => {
        const id = oid(userId);
        const open = { closed: false };
        const [leads, dealsSold, dealsRun, dealsBoth, tasks] = await Promise.all([
          Lead.countDocuments({ 'responsibles.sales': id, ...open }),
          Deal.countDocuments({ 'responsibles.sales': id, ...open }),
          Deal.countDocuments({ 'responsibles.operations': id, ...open }),
          // A deal one person both sells and runs is one deal (as reports count it).
          Deal.countDocuments({ 'responsibles.sales': id, 'responsibles.operations': id, ...open }),
          Task.countDocuments({ assigneeId: id, status: 'open' }),
        ]);
        return [userId, { leads, deals: dealsSold + dealsRun - dealsBoth, tasks }] as const;
      }),
    ),
  );
}

/** Each person's open tasks already past due: `{assigneeId, status}` and one range on `due`. */
export async function overdueOf(
  models: Models,
  userIds: readonly string[],
  now: Date,
): Promise<Map<string, number>> {
  return new Map(
    await Promise.all(
      userIds.map(
        async (userId) =>
          [
            userId,
            await models.Task.countDocuments({
              assigneeId: oid(userId),
              status: 'open',
              due: { $lt: now },
            }),
          ] as const,
      ),
    ),
  );
}
