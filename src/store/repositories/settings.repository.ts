import type { Models } from '../models';

const SLA_THRESHOLDS = 'slaThresholds';

/** Company settings admins change from the bot, read where they apply. */
export function createSettings(models: Models) {
  const { Setting } = models;
  return {
    async slaThresholds(): Promise<number[] | undefined> {
      const value = (await Setting.findOne({ key: SLA_THRESHOLDS }).lean())?.value;
      return Array.isArray(value) ? value.map(Number) : undefined;
    },
    async setSlaThresholds(values: number[]): Promise<void> {
      await Setting.updateOne(
        { key: SLA_THRESHOLDS },
        { $set: { value: values } },
        { upsert: true },
      );
    },
  };
}
