import type { Types } from 'mongoose';
import { groupCommit } from '../infra/group-commit';

/**
 * A one-document lookup, group-committed like the writes (`grouped-writes.ts`): lookups asked
 * for while the previous one is in flight go out together as one `find` (`$in` on an indexed
 * field, which every engine serves from the index). A lone lookup waits for nothing. `find`
 * reads the documents for a batch of keys; `matches` tells which key a document answers;
 * when several match, `better` picks the one the single lookup's sort would have returned.
 */
export function groupedLookup<Key, Doc>(options: {
  find(keys: readonly Key[]): Promise<Doc[]>;
  matches(doc: Doc, key: Key): boolean;
  better?(candidate: Doc, current: Doc): boolean;
}): (key: Key) => Promise<Doc | undefined> {
  const { find, matches, better } = options;
  return groupCommit<Key, Doc | undefined>(async (keys) => {
    const docs = await find(keys);
    return keys.map((key) => {
      let found: Doc | undefined;
      for (const doc of docs) {
        if (matches(doc, key) && (found === undefined || better?.(doc, found))) found = doc;
      }
      return found;
    });
  });
}

/** The distinct keys of a batch (the same lookup may be asked twice at once). */
export function distinct<Key>(keys: readonly Key[]): Key[] {
  return [...new Set(keys)];
}

/** A lookup by `_id`, batched: `find` gets the distinct ids of a batch. */
export function groupedById<Doc extends { _id: Types.ObjectId }>(
  find: (ids: Types.ObjectId[]) => Promise<Doc[]>,
  toId: (id: string) => Types.ObjectId,
): (id: string) => Promise<Doc | undefined> {
  return groupedLookup<string, Doc>({
    find: (ids) => find(distinct(ids).map(toId)),
    matches: (doc, id) => doc._id.toHexString() === id,
  });
}
