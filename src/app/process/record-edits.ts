import type { ProcessDefinition } from '../../domain/process/definition';
import { parseFieldValue } from '../../domain/process/field-value';
import { amountAmong, declaredField, pipelineOf } from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';
import type { Actor } from './actor';
import { ProcessError } from './errors';
import { isEditableField, safeKeys } from './field-rules';
import type { RecordStore } from './ports';
import type { RecordAccess, ReachedRecord } from './record-access';

/** Fields filled by hand (a card's button, the records API), on a record the actor may reach. */
export class RecordEdits {
  constructor(
    private readonly deps: {
      definition: ProcessDefinition;
      records: Pick<RecordStore, 'setFields'>;
      access: RecordAccess;
    },
  ) {}

  /** Fills fields; a file field takes `{ fileRef, name }` as uploaded from Telegram. */
  async fill(subject: TaskSubject, fields: Record<string, unknown>, actor: Actor): Promise<void> {
    // Names and nested keys become document keys; fields the engine keeps are not for editing.
    if (Object.entries(fields).some(([name, value]) => !isEditableField(name) || !safeKeys(value)))
      throw new ProcessError('invalid_field');
    await this.write(await this.deps.access.open(subject, actor), fields);
  }

  /** Writes the fields, typed as declared, on a record reached for whoever asked. */
  async write(record: ReachedRecord, fields: Record<string, unknown>): Promise<void> {
    if (record.closed) throw new ProcessError('closed');
    const typed = this.typed(record.pipeline, fields);
    const amount = amountAmong(pipelineOf(this.deps.definition, record.pipeline), typed);
    await this.deps.records.setFields(record.subject, typed, amount);
  }

  /** Declared fields are stored as their type reads them (40, not "40"); a misfit is refused. */
  private typed(pipelineId: string, fields: Record<string, unknown>): Record<string, unknown> {
    const pipeline = pipelineOf(this.deps.definition, pipelineId);
    return Object.fromEntries(
      Object.entries(fields).map(([name, raw]) => {
        const spec = declaredField(pipeline, name);
        if (!spec) return [name, raw];
        const parsed = parseFieldValue(spec, raw);
        if ('problem' in parsed) throw new ProcessError('invalid_field');
        return [name, parsed.value];
      }),
    );
  }
}
