import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import type { Schema } from 'mongoose';

/**
 * Reads the hot path asks for on every message (the staff directory, routing rules, settings)
 * change rarely, by an admin's command. They are kept in memory and dropped as soon as this
 * process writes the collection; another process's write is seen within `ttlMs`.
 */
export const CACHE_TTL_MS = 5000;

const changes = new EventEmitter();
changes.setMaxListeners(0);

const WRITES = [
  'save',
  'insertMany',
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'bulkWrite',
] as const;

/** Declared on a schema before its model is compiled: every write through mongoose is heard. */
export function announceWrites(schema: Schema, collection: string): void {
  const announce = () => changes.emit(collection);
  for (const operation of WRITES) schema.post(operation as 'save', announce);
}

/** A cached read of a collection, keyed; loads once for concurrent callers. */
export function cachedRead<V extends NonNullable<unknown>>(
  collections: readonly string[],
  load: (key: string) => Promise<V>,
  ttlMs = CACHE_TTL_MS,
): { get(key?: string): Promise<V> } {
  const cache = new LRUCache<string, V>({
    max: 1000,
    ttl: ttlMs,
    fetchMethod: (key) => load(key),
  });
  const clear = () => cache.clear();
  for (const collection of collections) changes.on(collection, clear);
  return {
    async get(key = '') {
      const value = await cache.fetch(key);
      if (value === undefined) throw new Error(`cached read of ${collections.join(', ')} failed`);
      return value;
    },
  };
}
