/**
 * A company's processes as data (PRODUCT.md "Processes as data"): pipelines, stages, required
 * fields, task chains, robots, triggers and timers. The engine interprets it; a company changes
 * its process by editing the definition, not the code.
 */
import type { Choice, FieldType } from './field-value';

export type Text = { ru: string; en: string };

/** Who a task goes to, resolved against the record's responsibles and the org chart. */
export const ASSIGNEE_ROLES = ['dispatcher', 'sales', 'operations', 'head'] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

export const STAGE_KINDS = ['start', 'ordinary', 'won', 'lost', 'junk'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
export const FINAL_KINDS: readonly StageKind[] = ['won', 'lost', 'junk'];

export interface RequiredField {
  field: string;
  /** Checked when the field is filled, in the bot and the records API alike. */
  type: FieldType;
  title: Text;
  /** The options of a choice field. */
  choices?: Choice[];
  /**
   * A money field's currency when the value names none. A deal's money field is its amount,
   * which reports add up (at most one per pipeline).
   */
  currency?: string;
}

export interface TaskStep {
  id: string;
  title: Text;
  assignee: AssigneeRole;
  dueInMs: number;
  onDone: {
    /** The dispatcher's step: completing it names the responsible of this department. */
    assign?: 'sales' | 'operations';
    /** Hand-off: the lead converts into one deal per chosen deal type. */
    convert?: boolean;
    moveTo?: string;
  };
}

export type RobotAction =
  | { createTask: Omit<TaskStep, 'id' | 'onDone'> & { id: string } }
  | { notify: { role: AssigneeRole; text: Text } }
  | { messageClient: { template: string } }
  | { setField: { field: string; value: string | number | boolean } };

export type RobotTiming =
  | { kind: 'immediately' }
  | { kind: 'after'; delayMs: number }
  | { kind: 'relative'; field: string; offsetMs: number };

export interface Robot {
  id: string;
  when: RobotTiming;
  action: RobotAction;
}

export interface Stage {
  id: string;
  kind: StageKind;
  title: Text;
  /** Fields that must hold a value (or a file) before the record may leave this stage. */
  requires: RequiredField[];
  /** The task chain of this stage, in order. */
  tasks: TaskStep[];
  robots: Robot[];
  /** Stages a person may move the record to by hand from here. */
  moves: string[];
  /**
   * Only people of these departments may move a record here by hand (admins always may); anyone
   * who may act on the record when empty. E.g. only sales closes a deal as lost.
   */
  onlyBy: Department[];
  /**
   * Entering this stage is a step back (to sales, to an earlier stage): it never waits for the
   * required fields of the stage being left. A stage listed earlier in the pipeline is a step
   * back without saying so.
   */
  back: boolean;
  /** Ready answers offered when a record is closed here (lost, junk); any other text is fine too. */
  reasons: Choice[];
}

export const DEPARTMENTS = ['sales', 'operations'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const TRIGGER_EVENTS = ['client_message', 'form_filled', 'payment_recorded'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export interface Trigger {
  event: TriggerEvent;
  /** Only from these stages (all non-final stages when empty). */
  from: string[];
  moveTo: string;
}

/**
 * What a raised problem does to a record of this pipeline (PRODUCT.md, process 7): it waits at
 * `moveTo` (its own chain stopped) with a red task for `assignee` until that task is done, and
 * then goes back to the stage and chain steps it left.
 */
export interface ProblemPath {
  moveTo: string;
  assignee: AssigneeRole;
}

export interface Pipeline {
  id: string;
  title: Text;
  stages: Stage[];
  triggers: Trigger[];
  /** Without it a problem only gives the red task and the alert; the record stays where it is. */
  problem?: ProblemPath;
}

export type SlaAction = 'remind' | 'pass' | 'alert_head';

export interface SlaStep {
  afterMs: number;
  action: SlaAction;
}

/** What starts a follow-up timer; a later occurrence of the same start restarts it. */
export type FollowUpStart =
  { event: 'client_silence' } | { enter: string; pipeline?: string } | { enterKind: StageKind };

export interface FollowUp {
  id: string;
  on: FollowUpStart;
  afterMs: number;
  task: { title: Text; assignee: AssigneeRole; dueInMs: number };
}

export interface ProcessDefinition {
  version: number;
  lead: Pipeline;
  deals: Pipeline[];
  sla: { ladder: SlaStep[] };
  followUps: FollowUp[];
}
