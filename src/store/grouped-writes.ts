import type { FlattenMaps, Model, Require_id } from 'mongoose';
import { groupCommit, writeErrorsByIndex } from '../infra/group-commit';

/**
 * `Model.create` for one document at a time, group-committed as `insertMany`: casting, defaults,
 * validation and timestamps as mongoose gives them, the write shared with its neighbours. A
 * duplicate key fails only its own document, with the usual `code` 11000. Built with the model's
 * statics on a plain object, not as a mongoose document: on a new customer's path the documents
 * cost about half the CPU (0.36–0.57 ms against 0.83–1.1 ms for its five, measured alone).
 */
export function groupedCreate<T>(
  model: Model<T>,
): (data: Record<string, unknown>) => Promise<Stored<T>> {
  const insert = groupCommit<Stored<T>, Stored<T>>(async (docs) => {
    try {
      await model.collection.insertMany([...docs] as Record<string, unknown>[], {
        ordered: false,
      });
      return docs;
    } catch (error) {
      const failed = writeErrorsByIndex(error);
      if (!failed) throw error;
      return docs.map((doc, i) => failed.get(i) ?? doc);
    }
  });
  const versionKey = model.schema.get('versionKey');
  return async (data) => {
    const doc = model.castObject(data) as Record<string, unknown>;
    model.applyDefaults(doc);
    await model.validate(doc);
    // What `Model.insertMany` does to each document before writing it.
    if (typeof versionKey === 'string') doc[versionKey] = 0;
    model.applyTimestamps(doc);
    return insert(doc as Stored<T>);
  };
}

/** A document as written, typed as a lean read of it would be. */
export type Stored<T> = Require_id<FlattenMaps<T>>;

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
