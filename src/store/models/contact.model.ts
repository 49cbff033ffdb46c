import { Schema, type InferSchemaType } from 'mongoose';
import { identitySchema } from './shared';

export const contactSchema = new Schema(
  {
    name: String,
    identities: { type: [identitySchema], default: [] },
    phones: { type: [String], default: [] },
    emails: { type: [String], default: [] },
    companyId: { type: Schema.Types.ObjectId, ref: 'Company' },
  },
  { timestamps: true },
);
// Ingest looks a customer up by channel identity, then by phone, then by email.
contactSchema.index({ 'identities.channel': 1, 'identities.externalId': 1 });
contactSchema.index({ phones: 1 });
contactSchema.index({ emails: 1 });
contactSchema.index({ companyId: 1 });

export type ContactDoc = InferSchemaType<typeof contactSchema>;
