import { Types } from 'mongoose';
import type { ConversionLog, ConversionPlan } from '../../app/process/ports';
import { isDuplicateKeyError } from '../database';
import type { Models } from '../models';
import { oid, plain } from './plain';

export function createConversionLog(models: Models): ConversionLog {
  const { Conversion } = models;
  const toPlan = (doc: unknown) => plain<ConversionPlan>(doc);
  return {
    async begin(plan) {
      try {
        return toPlan((await Conversion.create({ ...plan, leadId: oid(plan.leadId) })).toObject());
      } catch (error) {
        // The unique index on leadId: this lead was converted (or started converting) before.
        if (!isDuplicateKeyError(error)) throw error;
        return toPlan(await Conversion.findOne({ leadId: oid(plan.leadId) }).lean());
      }
    },
    async finish(leadId) {
      await Conversion.updateOne({ leadId: oid(leadId) }, { $set: { status: 'done' } });
    },
    async unfinished() {
      return (await Conversion.find({ status: 'started' }).lean()).map(toPlan);
    },
    newId: () => new Types.ObjectId().toHexString(),
  };
}
