import { z } from 'zod';
import type { StaffNotice } from '../../app/staff/notification-queue';
import { CHANNELS } from '../../domain/channel';
import type { Task } from '../../domain/task';

/**
 * A staff notice as read back from the database, where its payload is schemaless: parsed, so
 * delivery works on the typed union and a notice written by an older or broken hub is refused
 * (and marked failed) instead of shown half-rendered.
 */
const text = z.object({ ru: z.string(), en: z.string() });
const subject = z.object({ kind: z.enum(['lead', 'deal']), id: z.string() });
const task = z.object({
  id: z.string(),
  key: z.string(),
  title: text,
  assigneeId: z.string(),
  subject: subject.optional(),
  due: z.coerce.date(),
  chain: z
    .object({ pipeline: z.string(), stage: z.string(), stepId: z.string(), stageEntry: z.number() })
    .optional(),
  status: z.enum(['open', 'done', 'cancelled']),
  postponements: z.array(
    z.object({
      from: z.coerce.date(),
      to: z.coerce.date(),
      byUserId: z.string(),
      at: z.coerce.date(),
      reason: z.string().optional(),
    }),
  ),
  problem: z.boolean(),
  createdAt: z.coerce.date(),
  completedAt: z.coerce.date().optional(),
}) satisfies z.ZodType<Task, unknown>;
const historyEntry = z.object({
  at: z.coerce.date(),
  channel: z.enum(CHANNELS),
  author: z.enum(['client', 'staff', 'robot']),
  authorName: z.string().optional(),
  text: z.string().optional(),
  files: z.array(z.object({ name: z.string(), ref: z.string(), hosted: z.boolean() })),
});
const waiting = { conversationId: z.string(), waitingMs: z.number() };

export const staffNoticeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('task_assigned'),
    task,
    about: z
      .object({
        subject,
        number: z.number().optional(),
        pipeline: z.string(),
        stage: z.string(),
        contactName: z.string(),
        salesName: z.string().optional(),
      })
      .optional(),
  }),
  z.object({ kind: z.literal('task_overdue'), task }),
  z.object({ kind: z.literal('robot'), text, subject }),
  z.object({ kind: z.literal('sla_reminder'), ...waiting }),
  z.object({ kind: z.literal('sla_passed'), ...waiting }),
  z.object({
    kind: z.literal('client_message'),
    conversationId: z.string(),
    messageId: z.string(),
    subject,
    recordNumber: z.number().optional(),
    channel: z.enum(CHANNELS),
    contactName: z.string().optional(),
    text: z.string().optional(),
    files: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(['photo', 'document', 'voice', 'video', 'audio', 'sticker']),
        ref: z.string(),
      }),
    ),
    edited: z.boolean(),
    tasks: z.array(task).optional(),
  }),
  z.object({
    kind: z.literal('client_history'),
    subject,
    number: z.number().optional(),
    contactName: z.string().optional(),
    conversationId: z.string().optional(),
    entries: z.array(historyEntry),
    total: z.number(),
  }),
  z.object({
    kind: z.literal('delivery_state'),
    receipt: z.object({ chatId: z.number(), messageId: z.number() }),
    state: z.enum(['sent', 'failed']),
    reason: z.enum(['recipient_gone', 'channel_off', 'refused', 'unconfirmed']).optional(),
  }),
  z.object({
    kind: z.literal('problem'),
    taskId: z.string(),
    subject,
    reason: z.string(),
    byUserId: z.string().optional(),
  }),
  z.object({ kind: z.literal('sla'), ...waiting }),
  z.object({ kind: z.literal('overdue'), task }),
]) satisfies z.ZodType<StaffNotice, unknown>;

/** The notice, or why it cannot be one. */
export function decodeStaffNotice(payload: unknown): { notice: StaffNotice } | { error: string } {
  const parsed = staffNoticeSchema.safeParse(payload);
  return parsed.success
    ? { notice: parsed.data }
    : { error: `undecodable notice: ${z.prettifyError(parsed.error).slice(0, 500)}` };
}
