import { Schema, type InferSchemaType } from 'mongoose';

/**
 * Files the hub keeps itself: widget uploads and files managers send to customers. One document
 * per file (under MongoDB's 16 MB limit; the upload limit keeps files well below it).
 */
export const fileSchema = new Schema(
  {
    name: { type: String, required: true },
    mimeType: { type: String, required: true },
    size: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { timestamps: true },
);

export type FileDoc = InferSchemaType<typeof fileSchema>;
