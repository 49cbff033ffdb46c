import type { ProcessRecord } from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';

/** What a card says about the record a task or an alert is on. */
export interface RecordLabel {
  subject: TaskSubject;
  /** Absent on records made before numbering: they are shown by their old short id. */
  number?: number;
  /** "lead" or the deal type. */
  pipeline: string;
  stage: string;
  /** '' when the client gave no name. */
  contactName: string;
  /** The sales manager's name, when the record has one (the heads' alert names them). */
  salesName?: string;
}

/**
 * Labels for cards. Asked for one at a time; the cards shown together (a delivery round) are
 * read together, one read per collection, whatever the number of cards.
 */
export interface RecordLabels {
  /** Undefined when there is no such record. */
  labelOf(subject: TaskSubject): Promise<RecordLabel | undefined>;
  /** The label of the record a conversation belongs to (a waiting client's reminder). */
  labelOfConversation(conversationId: string): Promise<RecordLabel | undefined>;
  /** Names of staff members by id (who raised a problem); unknown ids are left out. */
  userNames(ids: string[]): Promise<Map<string, string>>;
}

/** The label of a record whose creator had the client's name at hand; undefined otherwise. */
export function labelOfRecord(record: ProcessRecord): RecordLabel | undefined {
  if (record.contactName === undefined) return undefined;
  return {
    subject: record.subject,
    ...(record.number === undefined ? {} : { number: record.number }),
    pipeline: record.pipeline,
    stage: record.stage,
    contactName: record.contactName,
  };
}
