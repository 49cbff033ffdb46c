import { isValidObjectId } from 'mongoose';
import type { FileStore } from '../../domain/ports';
import type { Models } from '../models';
import { oid } from './plain';

export function createFileStore(models: Models): FileStore {
  const { File } = models;
  return {
    async put({ name, mimeType, data }) {
      const created = await File.create({ name, mimeType, size: data.length, data });
      return { id: created._id.toHexString(), name, mimeType, size: data.length };
    },
    async get(id) {
      if (!isValidObjectId(id)) return undefined;
      const doc = await File.findById(oid(id)).lean();
      if (!doc) return undefined;
      // Lean documents hold BSON Binary, not Buffer.
      const data = Buffer.from(doc.data.read(0, doc.data.length()));
      return { id, name: doc.name, mimeType: doc.mimeType, size: doc.size, data };
    },
  };
}
