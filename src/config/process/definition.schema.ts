import ms from 'ms';
import { z } from 'zod';
import {
  ASSIGNEE_ROLES,
  DEPARTMENTS,
  STAGE_KINDS,
  TRIGGER_EVENTS,
  type ProcessDefinition,
  type Robot,
} from '../../domain/process/definition';
import { FIELD_TYPES } from '../../domain/process/field-value';
import { FIELD_NAME } from '../../domain/process/record';

/** "20m", "2h", "15d": how people write delays; stored as milliseconds. */
const duration = z.string().transform((value, ctx) => {
  const parsed = ms(value as ms.StringValue);
  if (typeof parsed !== 'number' || Number.isNaN(parsed)) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration such as 20m, 2h or 3d, got "${value}"`,
    });
    return z.NEVER;
  }
  return parsed;
});
const positiveDuration = duration.refine((value) => value > 0, 'expected a positive duration');

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower_snake_case id');
/** Record fields are stored as Mongo keys, so no dots or dollar signs. */
const fieldName = z.string().regex(FIELD_NAME, 'expected a field name of letters, digits and _');
const text = z.object({ ru: z.string().min(1), en: z.string().min(1) }).strict();
const choice = z.object({ id, title: text }).strict();
const assignee = z.enum(ASSIGNEE_ROLES, {
  error: (issue) =>
    issue.input === undefined
      ? 'every task needs an assignee role'
      : `expected one of ${ASSIGNEE_ROLES.join(', ')}`,
});

const taskStep = z
  .object({
    id,
    title: text,
    assignee,
    due: positiveDuration,
    onDone: z
      .object({
        assign: z.enum(['sales', 'operations']).optional(),
        convert: z.boolean().optional(),
        moveTo: id.optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .transform(({ due, ...rest }) => ({ ...rest, dueInMs: due }));

const robotTiming = z.union([
  z.literal('immediately').transform(() => ({ kind: 'immediately' as const })),
  z
    .object({ after: positiveDuration })
    .strict()
    .transform(({ after }) => ({ kind: 'after' as const, delayMs: after })),
  z
    .object({ relativeTo: fieldName, offset: duration })
    .strict()
    .transform(({ relativeTo, offset }) => ({
      kind: 'relative' as const,
      field: relativeTo,
      offsetMs: offset,
    })),
]);

const robot = z
  .object({
    id,
    when: robotTiming.default({ kind: 'immediately' }),
    createTask: z
      .object({ id, title: text, assignee, due: positiveDuration })
      .strict()
      .transform(({ due, ...rest }) => ({ ...rest, dueInMs: due }))
      .optional(),
    notify: z.object({ role: assignee, text }).strict().optional(),
    messageClient: z
      .object({ template: z.string().min(1) })
      .strict()
      .optional(),
    setField: z
      .object({ field: fieldName, value: z.union([z.string(), z.number(), z.boolean()]) })
      .strict()
      .optional(),
  })
  .strict()
  .transform((raw, ctx): Robot => {
    const actions = (['createTask', 'notify', 'messageClient', 'setField'] as const).filter(
      (key) => raw[key] !== undefined,
    );
    if (actions.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'a robot does exactly one of createTask, notify, messageClient, setField',
      });
      return z.NEVER;
    }
    const key = actions[0]!;
    return { id: raw.id, when: raw.when, action: { [key]: raw[key] } as Robot['action'] };
  });

const stage = z
  .object({
    id,
    kind: z.enum(STAGE_KINDS),
    title: text,
    requires: z
      .array(
        z
          .object({
            field: fieldName,
            type: z.enum(FIELD_TYPES).default('text'),
            title: text,
            choices: z.array(choice).min(2).optional(),
            currency: z
              .string()
              .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as RUB')
              .optional(),
          })
          .strict()
          .refine(
            (field) => (field.type === 'choice') === (field.choices !== undefined),
            'a choice field lists its choices, and only a choice field has them',
          )
          .refine(
            (field) => field.currency === undefined || field.type === 'money',
            'only a money field has a currency',
          ),
      )
      .default([]),
    tasks: z.array(taskStep).default([]),
    robots: z.array(robot).default([]),
    moves: z.array(id).default([]),
    onlyBy: z.array(z.enum(DEPARTMENTS)).default([]),
    back: z.boolean().default(false),
    reasons: z.array(choice).default([]),
  })
  .strict()
  .refine((stage) => stage.reasons.length === 0 || stage.kind === 'lost' || stage.kind === 'junk', {
    message: 'only a lost or junk stage offers closing reasons',
    path: ['reasons'],
  });

const pipeline = z
  .object({
    id,
    title: text,
    stages: z.array(stage).min(2),
    triggers: z
      .array(
        z
          .object({ event: z.enum(TRIGGER_EVENTS), from: z.array(id).default([]), moveTo: id })
          .strict(),
      )
      .default([]),
    problem: z.object({ moveTo: id, assignee }).strict().optional(),
  })
  .strict();

export const processDefinitionSchema = z
  .object({
    version: z.number().int().positive(),
    lead: pipeline,
    deals: z.array(pipeline).min(1),
    sla: z
      .object({
        ladder: z
          .array(
            z
              .object({ after: positiveDuration, action: z.enum(['remind', 'pass', 'alert_head']) })
              .strict()
              .transform(({ after, action }) => ({ afterMs: after, action })),
          )
          .refine(
            (steps) => steps.every((step, i) => i === 0 || step.afterMs > steps[i - 1]!.afterMs),
            'ladder steps must come in increasing order of time',
          ),
      })
      .strict(),
    followUps: z
      .array(
        z
          .object({
            id,
            on: z.union([
              z.literal('client_silence').transform(() => ({ event: 'client_silence' as const })),
              z.object({ enter: id, pipeline: id.optional() }).strict(),
              z.object({ enterKind: z.enum(STAGE_KINDS) }).strict(),
            ]),
            after: positiveDuration,
            task: z
              .object({ title: text, assignee, due: positiveDuration })
              .strict()
              .transform(({ due, ...rest }) => ({ ...rest, dueInMs: due })),
          })
          .strict()
          .transform(({ after, ...rest }) => ({ ...rest, afterMs: after })),
      )
      .default([]),
  })
  .strict() satisfies z.ZodType<ProcessDefinition, unknown>;
