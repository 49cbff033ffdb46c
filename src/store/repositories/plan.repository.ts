import type { PlanStore } from '../../app/plans/monthly-reset';
import { isDuplicateKeyError } from '../database';
import type { Models } from '../models';
import { oid } from './plain';

export function createPlanStore(models: Models): PlanStore {
  const { Plan } = models;
  return {
    async targets(month) {
      const plans = await Plan.find({ month }).lean();
      return plans.map((plan) => ({ userId: plan.userId.toHexString(), target: plan.target }));
    },
    async open(userId, month, target) {
      try {
        await Plan.create({ userId: oid(userId), month, target, fact: 0 });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    },
    async set(userId, month, target) {
      await Plan.updateOne(
        { userId: oid(userId), month },
        { $set: { target }, $setOnInsert: { fact: 0 } },
        { upsert: true },
      );
    },
  };
}
