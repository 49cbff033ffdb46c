import type { ResponsibleSlot, Responsibles } from '../department';
import type { TaskSubject } from '../task';
import {
  FINAL_KINDS,
  type Pipeline,
  type ProcessDefinition,
  type RequiredField,
  type Stage,
} from './definition';
import { isMoney, type MoneyValue } from './field-value';

/** Field names become MongoDB keys: letters, digits and underscores only. */
export const FIELD_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

/** What the engine needs of a lead or a deal. */
export interface ProcessRecord {
  subject: TaskSubject;
  /** "lead" or the deal type. */
  pipeline: string;
  stage: string;
  /** Counts stage entries; a timer or task from an earlier visit compares it and stands down. */
  stageEntry: number;
  responsibles: Responsibles;
  fields: Record<string, unknown>;
  contactId: string;
  closed: boolean;
  /** The short number people read ("Лид №1024"); records made before numbering have none. */
  number?: number;
  /**
   * The client's name when the caller had it at hand (a lead just made from a message, '' for a
   * client without one): cards shown at once then need no read. Never stored on the record.
   */
  contactName?: string;
}

/** A deal's amount among fields being set: the value of its pipeline's money field, if there. */
export function amountAmong(
  pipeline: Pipeline,
  fields: Record<string, unknown>,
): MoneyValue | undefined {
  for (const [name, value] of Object.entries(fields)) {
    if (declaredField(pipeline, name)?.type === 'money' && isMoney(value)) return value;
  }
  return undefined;
}

/** Where a record stands: its pipeline (a deal's is its type) and its stage. */
export interface RecordPlace {
  pipeline: string;
  stage: string;
}

/**
 * Whose a client's messages are, first choice first: a deal's operations manager, then its sales
 * manager; while a problem parks a deal (PRODUCT.md, process 7), the one its pipeline hands the
 * problem to. A lead's sales manager.
 */
export function answeringSlots(
  definition: ProcessDefinition,
  kind: 'lead' | 'deal',
  place?: RecordPlace,
): ResponsibleSlot[] {
  if (kind === 'lead') return ['sales'];
  const problem = definition.deals.find((deal) => deal.id === place?.pipeline)?.problem;
  const parked = problem && place?.stage === problem.moveTo;
  if (parked && problem.assignee === 'sales') return ['sales', 'operations'];
  return ['operations', 'sales'];
}

export function pipelineOf(definition: ProcessDefinition, pipelineId: string): Pipeline {
  const pipeline =
    pipelineId === definition.lead.id
      ? definition.lead
      : definition.deals.find((deal) => deal.id === pipelineId);
  if (!pipeline) throw new Error(`pipeline "${pipelineId}" is not in the process definition`);
  return pipeline;
}

export function stageOf(pipeline: Pipeline, stageId: string): Stage {
  const stage = pipeline.stages.find((candidate) => candidate.id === stageId);
  if (!stage) throw new Error(`stage "${stageId}" is not in pipeline "${pipeline.id}"`);
  return stage;
}

export function startStage(pipeline: Pipeline): Stage {
  return pipeline.stages.find((stage) => stage.kind === 'start')!;
}

export function isFinal(stage: Stage): boolean {
  return FINAL_KINDS.includes(stage.kind);
}

/** A file field holds an uploaded file reference; a value field holds anything but blank. */
function isFilled(field: RequiredField, value: unknown): boolean {
  if (field.type === 'file') {
    return typeof value === 'object' && value !== null && 'fileRef' in value;
  }
  if (value === undefined || value === null) return false;
  return typeof value !== 'string' || value.trim() !== '';
}

/** Required fields of a stage that are still empty: leaving it is refused until they are filled. */
export function missingRequiredFields(
  stage: Stage,
  fields: Record<string, unknown>,
): RequiredField[] {
  return stage.requires.filter((field) => !isFilled(field, fields[field.field]));
}

/**
 * A move to a stage listed earlier in the pipeline, or to one declared a step back, never waits
 * for the required fields of the stage being left: those hold only on the way forward.
 */
export function isStepBack(pipeline: Pipeline, from: Stage, to: Stage): boolean {
  return to.back || pipeline.stages.indexOf(to) < pipeline.stages.indexOf(from);
}

/**
 * The declared field of this name in a pipeline: the same field may be required at several
 * stages, with one type. Undeclared fields (an integration's own) are kept as sent.
 */
export function declaredField(pipeline: Pipeline, name: string): RequiredField | undefined {
  for (const stage of pipeline.stages) {
    const found = stage.requires.find((field) => field.field === name);
    if (found) return found;
  }
  return undefined;
}

export function taskKey(subject: TaskSubject, stageEntry: number, stepId: string): string {
  return `${subject.kind}:${subject.id}:${stageEntry}:${stepId}`;
}
