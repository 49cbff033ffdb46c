import type { TFunction } from 'i18next';
import type { RecordLabel } from '../../src/app/process/record-labels';
import type { ProcessDefinition } from '../../src/domain/process/definition';
import { pipelineOf } from '../../src/domain/process/record';
import type { TaskSubject } from '../../src/domain/task';

type Lng = 'ru' | 'en';

/** What the bot needs to name a record: the process's titles. */
export interface Naming {
  definition: ProcessDefinition;
}

/** The deal type in the reader's language; the raw id only if the definition lost it. */
export function dealTypeTitle(naming: Naming, pipeline: string, lng: Lng): string {
  const deal = naming.definition.deals.find((candidate) => candidate.id === pipeline);
  return deal ? deal.title[lng] : pipeline;
}

/** The stage in the reader's language, as the process definition names it. */
export function stageTitle(naming: Naming, pipeline: string, stage: string, lng: Lng): string {
  try {
    const found = pipelineOf(naming.definition, pipeline).stages.find((s) => s.id === stage);
    return found ? found.title[lng] : stage;
  } catch {
    return stage;
  }
}

/**
 * "Лид №1024", "Сделка №311 (Стандартная)": the number people read and say, with a deal's type.
 * Records made before numbering keep their old short id.
 */
export function recordName(
  record: { subject: TaskSubject; number?: number },
  t: TFunction,
  dealType = '',
): string {
  const { subject, number } = record;
  const name =
    number === undefined
      ? t(`cards:record.${subject.kind}Old`, { short: subject.id.slice(-6) })
      : t(`cards:record.${subject.kind}`, { number });
  return dealType ? t('cards:record.withType', { record: name, type: dealType }) : name;
}

/** The record a label is about, named with its deal type. */
export function labelName(naming: Naming, label: RecordLabel, t: TFunction, lng: Lng): string {
  const type = label.subject.kind === 'deal' ? dealTypeTitle(naming, label.pipeline, lng) : '';
  return recordName(label, t, type);
}

export const clientName = (label: RecordLabel, t: TFunction) =>
  label.contactName || t('cards:noName');

/** A notice's line followed by the client and record it is about, when they are known. */
export function withRecord(
  line: string,
  label: RecordLabel | undefined,
  naming: Naming | undefined,
  t: TFunction,
  lng: Lng,
): string {
  if (!label || !naming) return line;
  return t('cards:about', {
    text: line,
    client: clientName(label, t),
    record: labelName(naming, label, t, lng),
  });
}
