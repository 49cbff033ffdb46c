import { Schema, type InferSchemaType } from 'mongoose';

export const routingRuleSchema = new Schema(
  {
    position: { type: Number, required: true },
    name: { type: String, required: true },
    // Shapes are the domain's RoutingConditions / RoutingAction, validated before saving.
    conditions: { type: Schema.Types.Mixed, default: {} },
    action: { type: Schema.Types.Mixed, required: true },
    enabled: { type: Boolean, default: true },
  },
  { timestamps: true, minimize: false },
);
routingRuleSchema.index({ position: 1 });

export type RoutingRuleDoc = InferSchemaType<typeof routingRuleSchema>;
