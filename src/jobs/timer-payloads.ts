import { z } from 'zod';
import type { TimerName } from '../app/process/ports';
import type { TimerHandlers, TimerPayloads } from '../app/process/timer-handlers';

const id = z.string().min(1);
const subject = z.object({ kind: z.enum(['lead', 'deal']), id });

/**
 * Each timer's payload as stored with its job (extra keys such as `timerKey` are dropped). One
 * schema per timer name, checked against the handlers' types: a new timer without a schema, or
 * a schema that parses to something its handler does not take, does not compile.
 */
export const timerPayloads: { [N in TimerName]: z.ZodType<TimerPayloads[N]> } = {
  'task.overdue': z.object({ taskId: id, due: z.string().min(1) }),
  'robot.run': z.object({ subject, stageEntry: z.number().int(), robotId: id }),
  'followup.fire': z.object({
    subject,
    followUpId: id,
    stageEntry: z.number().int().optional(),
  }),
  'sla.step': z.object({
    conversationId: id,
    since: z.string().min(1),
    step: z.number().int().nonnegative(),
  }),
};

export interface MalformedTimer {
  job: TimerName;
  timerKey: unknown;
  issues: string[];
}

/**
 * Runs one fired timer: its payload parsed first. One that does not parse is reported and
 * dropped (the run ends normally, so the job is deleted, not retried); the handler never sees it.
 */
export async function runTimer<N extends TimerName>(
  handlers: TimerHandlers,
  name: N,
  data: unknown,
  onMalformed: (malformed: MalformedTimer) => void,
): Promise<void> {
  const parsed = timerPayloads[name].safeParse(data);
  if (!parsed.success) {
    onMalformed({
      job: name,
      timerKey: typeof data === 'object' && data && 'timerKey' in data ? data.timerKey : undefined,
      issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
    return;
  }
  await handlers[name](parsed.data);
}
