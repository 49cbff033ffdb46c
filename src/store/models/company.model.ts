import { Schema, type InferSchemaType } from 'mongoose';

export const companySchema = new Schema(
  {
    name: { type: String, required: true },
    taxId: String,
    address: String,
    lastActivityAt: Date,
  },
  { timestamps: true },
);
companySchema.index({ name: 1 });
companySchema.index({ taxId: 1 });

export type CompanyDoc = InferSchemaType<typeof companySchema>;
