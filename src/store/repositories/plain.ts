import { Types } from 'mongoose';

type Plain = unknown;

/**
 * A lean document as the domain sees it: `_id` becomes `id`, ObjectIds become hex strings, and
 * mongoose's bookkeeping (`__v`, `updatedAt`) is dropped. Dates stay dates.
 */
export function plain<T>(doc: unknown): T {
  return convert(doc, true) as T;
}

function convert(value: unknown, top: boolean): Plain {
  if (value instanceof Types.ObjectId) return value.toHexString();
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => convert(item, false));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '__v' || (top && key === 'updatedAt')) continue;
    if (item === null || item === undefined) continue;
    out[key === '_id' ? (top ? 'id' : '_id') : key] = convert(item, false);
  }
  return out;
}

export const oid = (id: string) => new Types.ObjectId(id);

/**
 * The longest `_id` list one query carries. SecantusDB's Python server tests each candidate
 * against the whole `$in` list, so one list of n ids costs n² comparisons: 2,000 ids, seconds
 * of the server's only core.
 */
const IN_LIST_MAX = 200;

/** `ids` cut into lists one query may carry (see IN_LIST_MAX). */
export function inChunks<T>(ids: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < ids.length; i += IN_LIST_MAX) chunks.push(ids.slice(i, i + IN_LIST_MAX));
  return chunks;
}
