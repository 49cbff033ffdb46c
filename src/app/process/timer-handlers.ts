import type { TaskSubject } from '../../domain/task';
import type { ProcessEngine } from './engine';
import type { TimerName } from './ports';
import type { SlaStep } from './sla-ladder';

/**
 * What each durable timer carries, as its handler reads it. Stored timers are parsed against
 * this at the edge (src/jobs/timer-payloads.ts) before a handler sees them. A timer name
 * without its payload here does not compile (`TimerHandlers` indexes this by every name).
 */
export interface TimerPayloads {
  'task.overdue': { taskId: string; due: string };
  'robot.run': { subject: TaskSubject; stageEntry: number; robotId: string };
  'followup.fire': { subject: TaskSubject; followUpId: string; stageEntry?: number };
  'sla.step': SlaStep;
}

export type TimerHandlers = { [N in TimerName]: (data: TimerPayloads[N]) => Promise<void> };

/**
 * What each durable timer does when it fires; Agenda (src/jobs) and the tests' controllable
 * clock both dispatch through this one table, after parsing the payload.
 */
export function timerHandlers(
  engine: ProcessEngine,
  sla: { onStep(data: SlaStep): Promise<void> },
): TimerHandlers {
  return {
    'task.overdue': (data) => engine.timers.onTaskOverdue(data),
    'robot.run': (data) => engine.timers.onRobot(data),
    'followup.fire': (data) => engine.timers.onFollowUp(data),
    'sla.step': (data) => sla.onStep(data),
  };
}
