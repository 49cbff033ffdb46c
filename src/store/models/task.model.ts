import { Schema, type InferSchemaType } from 'mongoose';

const { ObjectId } = Schema.Types;

const postponementSchema = new Schema(
  {
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    byUserId: { type: ObjectId, ref: 'User', required: true },
    at: { type: Date, required: true },
    reason: String,
  },
  { _id: false },
);

export const taskSchema = new Schema(
  {
    key: { type: String, required: true },
    title: {
      type: new Schema({ ru: String, en: String }, { _id: false }),
      required: true,
    },
    assigneeId: { type: ObjectId, ref: 'User', required: true },
    subject: {
      type: new Schema(
        { kind: { type: String, enum: ['lead', 'deal'], required: true }, id: ObjectId },
        { _id: false },
      ),
    },
    due: { type: Date, required: true },
    chain: {
      type: new Schema(
        { pipeline: String, stage: String, stepId: String, stageEntry: Number },
        { _id: false },
      ),
    },
    status: { type: String, enum: ['open', 'done', 'cancelled'], default: 'open' },
    postponements: { type: [postponementSchema], default: [] },
    problem: { type: Boolean, default: false },
    completedAt: Date,
  },
  { timestamps: true },
);
// A chain step re-run after a crash finds its task instead of creating a second one.
taskSchema.index({ key: 1 }, { unique: true });
// "/tasks": my open tasks by due time.
taskSchema.index({ assigneeId: 1, status: 1, due: 1 });
taskSchema.index({ 'subject.kind': 1, 'subject.id': 1, status: 1 });
// Reports read what changed since they last looked (report-view.ts).
taskSchema.index({ updatedAt: 1 });

export type TaskDoc = InferSchemaType<typeof taskSchema>;
