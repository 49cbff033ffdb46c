import { Schema, type InferSchemaType } from 'mongoose';
import { responsiblesSchema, utmSchema } from './shared';

export const leadSchema = new Schema(
  {
    /** The short number people read and say ("Лид №1024"); older records have none. */
    number: Number,
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact', required: true },
    // A tagged union (channel | form | call | import | manual); validated in the domain layer.
    source: { type: Schema.Types.Mixed, required: true },
    utm: { type: utmSchema, default: {} },
    referrer: String,
    landingUrl: String,
    stage: { type: String, required: true },
    stageEntry: { type: Number, default: 1 },
    responsibles: { type: responsiblesSchema, default: {} },
    fields: { type: Schema.Types.Mixed, default: {} },
    closed: { type: Boolean, default: false },
  },
  { timestamps: true, minimize: false },
);
leadSchema.index({ contactId: 1, closed: 1 });
leadSchema.index({ 'responsibles.sales': 1, closed: 1 });
// Reports read what changed since they last looked (report-view.ts).
leadSchema.index({ updatedAt: 1 });
// `/find 1024` looks a record up by its number.
leadSchema.index({ number: 1 });

export type LeadDoc = InferSchemaType<typeof leadSchema>;
