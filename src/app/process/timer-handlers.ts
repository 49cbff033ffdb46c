import type { TaskSubject } from '../../domain/task';
import type { ProcessEngine } from './engine';
import type { TimerName } from './ports';

export type TimerHandlers = Record<TimerName, (data: Record<string, unknown>) => Promise<void>>;

/**
 * What each durable timer does when it fires; Agenda (src/jobs) and the tests' controllable
 * clock both dispatch through this one table.
 */
export function timerHandlers(
  engine: ProcessEngine,
  sla: { onStep(data: unknown): Promise<void> },
): TimerHandlers {
  return {
    'task.overdue': (data) => engine.timers.onTaskOverdue(data as { taskId: string; due: string }),
    'robot.run': (data) =>
      engine.timers.onRobot(data as { subject: TaskSubject; stageEntry: number; robotId: string }),
    'followup.fire': (data) =>
      engine.timers.onFollowUp(
        data as { subject: TaskSubject; followUpId: string; stageEntry?: number },
      ),
    'sla.step': (data) => sla.onStep(data),
  };
}
