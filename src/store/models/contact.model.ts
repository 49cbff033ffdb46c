import { Schema, type InferSchemaType } from 'mongoose';
import { identitySchema } from './shared';

export const contactSchema = new Schema(
  {
    name: String,
    identities: { type: [identitySchema], default: [] },
    // identityKey() of each identity (`channel:externalId`, `channel:account:externalId`):
    // FerretDB cannot $elemMatch on sub-documents, and an exact match on a string array is also
    // the cheapest lookup on real MongoDB.
    identityKeys: { type: [String], default: [] },
    phones: { type: [String], default: [] },
    emails: { type: [String], default: [] },
    companyId: { type: Schema.Types.ObjectId, ref: 'Company' },
  },
  { timestamps: true },
);
// Ingest looks a customer up by channel identity, then by phone, then by email.
contactSchema.index({ identityKeys: 1 });
contactSchema.index({ phones: 1 });
contactSchema.index({ emails: 1 });
// A company's card lists its people; sparse, so the many contacts without one cost no entry.
contactSchema.index({ companyId: 1 }, { sparse: true });

export type ContactDoc = InferSchemaType<typeof contactSchema>;
