import { groupedCreate } from '../grouped-writes';
import { groupedById } from '../grouped-reads';
import type { UpdateQuery } from 'mongoose';
import type { RecordStore } from '../../app/process/ports';
import type { Clock } from '../../domain/ports';
import { FIELD_NAME, type ProcessRecord } from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';
import { isDuplicateKeyError } from '../database';
import type { Models } from '../models';
import { recordsIn } from '../scoped/access-filter';
import { oid, plain } from './plain';
import { createRecordNumbers, type RecordNumbers } from './record-numbers';

interface StoredRecord {
  id: string;
  stage: string;
  stageEntry: number;
  responsibles?: ProcessRecord['responsibles'];
  fields?: Record<string, unknown>;
  contactId: string;
  closed: boolean | string;
  type?: string;
  number?: number;
}

/** A lead or deal document as the engine sees it. */
export function toProcessRecord(kind: TaskSubject['kind'], doc: unknown): ProcessRecord {
  const stored = plain<StoredRecord>(doc);
  return {
    subject: { kind, id: stored.id },
    pipeline: kind === 'lead' ? 'lead' : stored.type!,
    stage: stored.stage,
    stageEntry: stored.stageEntry,
    responsibles: stored.responsibles ?? {},
    fields: stored.fields ?? {},
    contactId: stored.contactId,
    closed: stored.closed !== false,
    ...(typeof stored.number === 'number' ? { number: stored.number } : {}),
  };
}

/** Field names become Mongo keys: anything else could reach into other paths of the document. */
function fieldUpdate(fields: Record<string, unknown>): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (!FIELD_NAME.test(name)) throw new Error(`invalid field name "${name}"`);
    update[`fields.${name}`] = value;
  }
  return update;
}

export function createRecordRepository(
  models: Models,
  /** Dates a deal's closing (its plan/fact month). */
  clock: Clock,
  numbers: RecordNumbers = createRecordNumbers(models),
): RecordStore {
  const { Lead, Deal, Company, Contact } = models;
  const insertLead = groupedCreate(Lead);
  const leadById = groupedById((ids) => Lead.find({ _id: { $in: ids } }).lean(), oid);
  const dealById = groupedById((ids) => Deal.find({ _id: { $in: ids } }).lean(), oid);
  // Leads and deals share the record shape the engine uses; one update path serves both.
  const update = (
    subject: TaskSubject,
    filter: Record<string, unknown>,
    change: UpdateQuery<unknown>,
  ) =>
    subject.kind === 'lead'
      ? Lead.updateOne({ _id: oid(subject.id), ...filter }, change)
      : Deal.updateOne({ _id: oid(subject.id), ...filter }, change);

  return {
    async get(subject) {
      const doc = subject.kind === 'lead' ? await leadById(subject.id) : await dealById(subject.id);
      return doc ? toProcessRecord(subject.kind, doc) : undefined;
    },

    async getIn(scope, subject) {
      // Not batched with `get`: the scope is part of the query, and a staff member's button
      // reads one record at a time.
      const filter = { _id: oid(subject.id), ...recordsIn(scope) };
      const doc =
        subject.kind === 'lead'
          ? await Lead.findOne(filter).lean()
          : await Deal.findOne(filter).lean();
      return doc ? toProcessRecord(subject.kind, doc) : undefined;
    },

    async exists(subject) {
      const filter = { _id: oid(subject.id) };
      const found = subject.kind === 'lead' ? await Lead.exists(filter) : await Deal.exists(filter);
      return found !== null;
    },

    async createLead({ contactName, ...lead }, stage, responsibles) {
      const number = await numbers.next('lead');
      const created = await insertLead({ ...lead, number, stage, stageEntry: 1, responsibles });
      return {
        ...toProcessRecord('lead', created),
        ...(contactName === undefined ? {} : { contactName }),
      };
    },

    async insertDeal(deal) {
      try {
        const number = await numbers.next('deal');
        await Deal.create({ ...deal, number, _id: oid(deal.id), stageEntry: 1 });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },

    async ensureCompany({ id, name, taxId, contactId }) {
      try {
        await Company.create({ _id: oid(id), name, ...(taxId ? { taxId } : {}) });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      await Contact.updateOne({ _id: oid(contactId) }, { $set: { companyId: oid(id) } });
    },

    async moveStage(subject, from, to, closedAs) {
      const closed = closedAs ? (subject.kind === 'lead' ? true : closedAs) : false;
      const result = await update(
        subject,
        { stage: from.stage, stageEntry: from.stageEntry },
        // A deal's `closedAt` dates its plan/fact month; set in the same write as the move.
        {
          $set: {
            stage: to,
            closed,
            ...(closedAs && subject.kind === 'deal' ? { closedAt: clock.now() } : {}),
          },
          $inc: { stageEntry: 1 },
        },
      );
      return result.modifiedCount === 1 ? from.stageEntry + 1 : undefined;
    },

    async setResponsible(subject, slot, userId) {
      await update(subject, {}, { $set: { [`responsibles.${slot}`]: oid(userId) } });
    },

    async setFields(subject, fields, amount) {
      const money =
        amount && subject.kind === 'deal'
          ? { amount: amount.amount, currency: amount.currency }
          : {};
      await update(subject, {}, { $set: { ...fieldUpdate(fields), ...money } });
    },
  };
}
