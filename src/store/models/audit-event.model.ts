import { Schema, type InferSchemaType } from 'mongoose';

export const auditEventSchema = new Schema({
  actorUserId: { type: Schema.Types.ObjectId, ref: 'User' },
  action: { type: String, required: true },
  subject: {
    type: new Schema({ kind: { type: String, required: true }, id: String }, { _id: false }),
    required: true,
  },
  before: Schema.Types.Mixed,
  after: Schema.Types.Mixed,
  at: { type: Date, required: true },
  /** Set when `/route_undo` reverted this change, so the next undo goes one further back. */
  undoneAt: Date,
});
auditEventSchema.index({ at: -1 });
auditEventSchema.index({ 'subject.kind': 1, 'subject.id': 1, at: -1 });

export type AuditEventDoc = InferSchemaType<typeof auditEventSchema>;
