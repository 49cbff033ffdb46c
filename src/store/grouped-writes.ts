import type { HydratedDocument, Model } from 'mongoose';
import { groupCommit, writeErrorsByIndex } from '../infra/group-commit';

/**
 * `Model.create` for one document at a time, group-committed as `insertMany`: defaults, casting,
 * validation and timestamps as mongoose gives them, the write shared with its neighbours. A
 * duplicate key fails only its own document, with the usual `code` 11000.
 */
export function groupedCreate<T>(
  model: Model<T>,
): (data: Record<string, unknown>) => Promise<HydratedDocument<T>> {
  const insert = groupCommit<HydratedDocument<T>, HydratedDocument<T>>(async (docs) => {
    try {
      await model.collection.insertMany(
        docs.map((doc) => doc.toObject({ depopulate: true }) as Record<string, unknown>),
        { ordered: false },
      );
      return docs;
    } catch (error) {
      const failed = writeErrorsByIndex(error);
      if (!failed) throw error;
      return docs.map((doc, i) => failed.get(i) ?? doc);
    }
  });
  return async (data) => {
    const doc = new model(data);
    await doc.validate();
    // What `Model.insertMany` does to each document before writing it.
    const versionKey = model.schema.get('versionKey');
    if (typeof versionKey === 'string') doc.set(versionKey, 0);
    (doc as { initializeTimestamps?: () => void }).initializeTimestamps?.();
    return insert(doc);
  };
}

/**
 * `Model.updateOne` whose result nobody reads, group-committed as one `bulkWrite` (mongoose
 * casts each filter and update as it would for `updateOne`).
 */
export function groupedUpdate<T>(
  model: Model<T>,
): (filter: Record<string, unknown>, update: Record<string, unknown>) => Promise<void> {
  const write = groupCommit<{ filter: object; update: object }, undefined>(async (batch) => {
    const operations = batch.map(({ filter, update }) => ({ updateOne: { filter, update } }));
    try {
      await model.bulkWrite(operations as Parameters<Model<T>['bulkWrite']>[0], {
        ordered: false,
      });
      return batch.map(() => undefined);
    } catch (error) {
      const failed = writeErrorsByIndex(error);
      if (!failed) throw error;
      return batch.map((_, i) => failed.get(i));
    }
  });
  return (filter, update) => write({ filter, update });
}
