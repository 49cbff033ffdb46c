import { announceWrites } from '../read-cache';
import { Schema, type InferSchemaType } from 'mongoose';

export const routingRuleSchema = new Schema(
  {
    position: { type: Number, required: true },
    // Shapes are the domain's RoutingConditions / RoutingAction, checked by the rule editor.
    conditions: { type: Schema.Types.Mixed, default: {} },
    action: { type: Schema.Types.Mixed, required: true },
    /** Round-robin's memory: who this rule gave its last lead to. */
    lastAssignedUserId: String,
  },
  { timestamps: true, minimize: false },
);
routingRuleSchema.index({ position: 1 });
// Cached on the hot path (src/store/read-cache.ts): writes drop the cache.
announceWrites(routingRuleSchema, 'routingrules');

export type RoutingRuleDoc = InferSchemaType<typeof routingRuleSchema>;
