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
