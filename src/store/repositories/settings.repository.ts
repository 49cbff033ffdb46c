import type { Models } from '../models';
import { cachedRead } from '../read-cache';

const SLA_THRESHOLDS = 'slaThresholds';

/** Company settings admins change from the bot, read where they apply. */
export function createSettings(models: Models) {
  const { Setting } = models;
  // Read by every customer message's reply clock.
  const thresholds = cachedRead(['settings'], async () => {
    const value = (await Setting.findOne({ key: SLA_THRESHOLDS }).lean())?.value;
    return { values: Array.isArray(value) ? value.map(Number) : undefined };
  });
  return {
    async slaThresholds(): Promise<number[] | undefined> {
      return (await thresholds.get()).values;
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
