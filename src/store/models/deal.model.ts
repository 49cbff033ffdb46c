import { Schema, type InferSchemaType } from 'mongoose';
import { responsiblesSchema } from './shared';

const { ObjectId } = Schema.Types;

export const dealSchema = new Schema(
  {
    /** The short number people read and say ("Лид №1024"); older records have none. */
    number: Number,
    leadId: { type: ObjectId, ref: 'Lead' },
    contactId: { type: ObjectId, ref: 'Contact', required: true },
    companyId: { type: ObjectId, ref: 'Company' },
    type: { type: String, required: true },
    stage: { type: String, required: true },
    stageEntry: { type: Number, default: 1 },
    amount: Number,
    currency: { type: String, default: 'RUB' },
    responsibles: { type: responsiblesSchema, default: {} },
    fields: { type: Schema.Types.Mixed, default: {} },
    closed: { type: Schema.Types.Mixed, default: false },
    /** When it was closed as won or lost: plan vs fact counts won deals by this month. */
    closedAt: Date,
  },
  { timestamps: true, minimize: false },
);
dealSchema.index({ leadId: 1, type: 1 });
// A customer's message looks up the contact's open deal.
dealSchema.index({ contactId: 1, closed: 1 });
dealSchema.index({ 'responsibles.sales': 1, closed: 1 });
dealSchema.index({ 'responsibles.operations': 1, closed: 1 });
dealSchema.index({ type: 1, stage: 1 });
// Reports read what changed since they last looked (report-view.ts).
dealSchema.index({ updatedAt: 1 });
// `/find 1024` looks a record up by its number.
dealSchema.index({ number: 1 });

export type DealDoc = InferSchemaType<typeof dealSchema>;
