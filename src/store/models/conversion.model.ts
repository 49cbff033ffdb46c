import { Schema, type InferSchemaType } from 'mongoose';

/** The step log of a lead's conversion: the plan is written before any deal exists. */
export const conversionSchema = new Schema(
  {
    leadId: { type: Schema.Types.ObjectId, ref: 'Lead', required: true },
    dealTypes: { type: [String], required: true },
    // Keyed by deal type (lower_snake ids, safe as keys).
    dealIds: { type: Schema.Types.Mixed, required: true },
    operations: { type: Schema.Types.Mixed, default: {} },
    companyId: { type: Schema.Types.ObjectId, ref: 'Company' },
    status: { type: String, enum: ['started', 'done'], default: 'started' },
  },
  { timestamps: true, minimize: false },
);
// One conversion per lead: converting twice finds the first plan.
conversionSchema.index({ leadId: 1 }, { unique: true });
conversionSchema.index({ status: 1 });

export type ConversionDoc = InferSchemaType<typeof conversionSchema>;
