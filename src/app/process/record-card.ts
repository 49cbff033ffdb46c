import type {
  ProcessDefinition,
  RequiredField,
  Stage,
  Text,
} from '../../domain/process/definition';
import {
  missingRequiredFields,
  pipelineOf,
  stageOf,
  type ProcessRecord,
} from '../../domain/process/record';
import type { Task, TaskSubject } from '../../domain/task';
import type { User } from '../../domain/user';
import type { Actor } from './actor';
import type { Directory, TaskStore } from './ports';
import type { RecordAccess } from './record-access';

export interface ContactNames {
  namesOf(contactId: string): Promise<{ contact?: string; company?: string }>;
}

export interface RecordCard {
  record: ProcessRecord;
  stage: Stage;
  /** A deal's type, as the process definition names it. */
  dealType?: Text;
  contact?: string;
  company?: string;
  responsibles: { slot: string; user: User }[];
  /** Required fields of this stage still empty: moving on is refused until they are filled. */
  missing: RequiredField[];
  moves: Stage[];
  openTasks: Task[];
}

/** The lead or deal card: who, where in the pipeline, what blocks the next stage, what is open. */
export class RecordCards {
  constructor(
    private readonly deps: {
      definition: ProcessDefinition;
      access: RecordAccess;
      tasks: TaskStore;
      directory: Directory;
      names: ContactNames;
    },
  ) {}

  async card(subject: TaskSubject, actor: Actor): Promise<RecordCard> {
    const record = await this.deps.access.open(subject, actor);
    const pipeline = pipelineOf(this.deps.definition, record.pipeline);
    const stage = stageOf(pipeline, record.stage);
    const names = await this.deps.names.namesOf(record.contactId);
    const responsibles: RecordCard['responsibles'] = [];
    for (const [slot, id] of Object.entries(record.responsibles)) {
      const user = id ? await this.deps.directory.getUser(id) : undefined;
      if (user) responsibles.push({ slot, user });
    }
    return {
      record,
      stage,
      ...(record.subject.kind === 'deal' ? { dealType: pipeline.title } : {}),
      ...(names.contact ? { contact: names.contact } : {}),
      ...(names.company ? { company: names.company } : {}),
      responsibles,
      missing: missingRequiredFields(stage, record.fields),
      moves: record.closed ? [] : stage.moves.map((id) => stageOf(pipeline, id)),
      openTasks: await this.deps.tasks.listOpen({ subject }),
    };
  }
}
