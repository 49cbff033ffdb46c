import type { AccessScope } from '../../domain/access';
import type { Responsibles } from '../../domain/department';
import type { ProcessDefinition, Text } from '../../domain/process/definition';
import { isFinal, pipelineOf, stageOf } from '../../domain/process/record';
import type { Task, TaskSubject } from '../../domain/task';
import type { User } from '../../domain/user';
import type { Rights } from '../process/rights';

/** The seeds' waiting buckets (ladder of reply times): over 20 min, 40 min, 2 h, 4 h. */
export const WAITING_BUCKETS_MS = [20 * 60_000, 40 * 60_000, 2 * 3_600_000, 4 * 3_600_000];
export const PAGE_SIZE = 10;

export type RecordKind = TaskSubject['kind'];

export interface ListedRecord {
  subject: TaskSubject;
  /** Absent on records made before numbering. */
  number?: number;
  pipeline: string;
  stage: string;
  contactId: string;
  responsibles: Responsibles;
}

export interface TeamCounts {
  leads: number;
  deals: number;
  tasks: number;
  overdue: number;
}

/** What the lists read; each query is served by an index (see src/store/models). */
export interface ListStore {
  /** Open records in the person's scope (what `RecordAccess` reaches one by one), newest first. */
  openRecords(
    kind: RecordKind,
    query: {
      scope: AccessScope;
      stage?: { pipeline: string; stage: string };
      /** Only these contacts' records (the ones whose clients wait). */
      contactIds?: string[];
    },
    page: { skip: number; limit: number },
  ): Promise<ListedRecord[]>;
  /** Contacts with an open conversation unanswered since `since` or earlier. */
  waitingContacts(since: Date): Promise<string[]>;
  /** Per contact, the oldest unanswered message among its open conversations. */
  waitingSince(contactIds: string[]): Promise<Map<string, Date>>;
  contactNames(contactIds: string[]): Promise<Map<string, string>>;
  userNames(userIds: string[]): Promise<Map<string, string>>;
  /** Active staff, of one department or of all. */
  activePeople(departmentId?: string): Promise<User[]>;
  openTasks(
    assigneeId: string,
    page: { skip: number; limit: number },
  ): Promise<{ tasks: Task[]; total: number }>;
  /** Open leads and deals held, open and overdue tasks, per person, in a few grouped counts. */
  teamCounts(userIds: string[], now: Date): Promise<Map<string, TeamCounts>>;
}

/** A stage a list can be filtered by, in the definition's order. */
export interface StageOption {
  pipeline: string;
  stage: string;
  title: Text;
  /** A deal's type, since several types have a stage of the same name. */
  pipelineTitle?: Text;
}

export interface RecordFilter {
  /** Index into `stagesOf(kind)`. */
  stage?: number;
  /** Index into `WAITING_BUCKETS_MS`. */
  waiting?: number;
  page: number;
}

export interface RecordLine {
  subject: TaskSubject;
  number?: number;
  contactName?: string;
  stageTitle: Text;
  pipelineTitle?: Text;
  responsibleName?: string;
  waitingMs?: number;
}

export interface RecordPage {
  lines: RecordLine[];
  page: number;
  hasNext: boolean;
}

export interface TaskPage {
  tasks: Task[];
  total: number;
  page: number;
  pages: number;
}

export interface TeamLine {
  user: User;
  counts: TeamCounts;
}

const ZERO: TeamCounts = { leads: 0, deals: 0, tasks: 0, overdue: 0 };

/** `/leads`, `/deals`, `/tasks` and `/team`: what a person may see, a page at a time. */
export class Lists {
  constructor(
    private readonly deps: {
      store: ListStore;
      scopes: Pick<Rights, 'scopeOf'>;
      definition: ProcessDefinition;
      clock: { now(): Date };
    },
  ) {}

  /** The stages an open record can be at, for the stage filter. */
  stagesOf(kind: RecordKind): StageOption[] {
    const { definition } = this.deps;
    const pipelines = kind === 'lead' ? [definition.lead] : definition.deals;
    return pipelines.flatMap((pipeline) =>
      pipeline.stages
        .filter((stage) => !isFinal(stage))
        .map((stage) => ({
          pipeline: pipeline.id,
          stage: stage.id,
          title: stage.title,
          ...(kind === 'deal' ? { pipelineTitle: pipeline.title } : {}),
        })),
    );
  }

  async records(user: User, kind: RecordKind, filter: RecordFilter): Promise<RecordPage> {
    const { store } = this.deps;
    const now = this.deps.clock.now();
    const page = Math.max(0, filter.page);
    const stage = filter.stage === undefined ? undefined : this.stagesOf(kind)[filter.stage];
    const bucket = filter.waiting === undefined ? undefined : WAITING_BUCKETS_MS[filter.waiting];
    const contactIds =
      bucket === undefined
        ? undefined
        : await store.waitingContacts(new Date(now.getTime() - bucket));
    if (contactIds?.length === 0) return { lines: [], page, hasNext: false };
    const found = await store.openRecords(
      kind,
      {
        scope: await this.deps.scopes.scopeOf(user),
        ...(stage ? { stage: { pipeline: stage.pipeline, stage: stage.stage } } : {}),
        ...(contactIds ? { contactIds } : {}),
      },
      { skip: page * PAGE_SIZE, limit: PAGE_SIZE + 1 },
    );
    const shown = found.slice(0, PAGE_SIZE);
    const responsibleOf = (record: ListedRecord) =>
      kind === 'deal'
        ? (record.responsibles.operations ?? record.responsibles.sales)
        : record.responsibles.sales;
    const contacts = [...new Set(shown.map((record) => record.contactId))];
    const [names, people, waiting] = await Promise.all([
      store.contactNames(contacts),
      store.userNames(shown.map(responsibleOf).filter((id): id is string => !!id)),
      store.waitingSince(contacts),
    ]);
    const lines = shown.map((record): RecordLine => {
      const pipeline = pipelineOf(this.deps.definition, record.pipeline);
      const contactName = names.get(record.contactId);
      const responsible = responsibleOf(record);
      const responsibleName = responsible ? people.get(responsible) : undefined;
      const since = waiting.get(record.contactId);
      return {
        subject: record.subject,
        ...(record.number === undefined ? {} : { number: record.number }),
        stageTitle: stageOf(pipeline, record.stage).title,
        ...(kind === 'deal' ? { pipelineTitle: pipeline.title } : {}),
        ...(contactName ? { contactName } : {}),
        ...(responsibleName ? { responsibleName } : {}),
        ...(since ? { waitingMs: Math.max(0, now.getTime() - since.getTime()) } : {}),
      };
    });
    return { lines, page, hasNext: found.length > PAGE_SIZE };
  }

  /** My open tasks by due time, a page at a time; a page past the end shows the last one. */
  async tasks(user: User, requested: number): Promise<TaskPage> {
    const { store } = this.deps;
    let page = Math.max(0, requested);
    let found = await store.openTasks(user.id, { skip: page * PAGE_SIZE, limit: PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    if (page >= pages) {
      // Tasks were done since the page was drawn: show what is left.
      page = pages - 1;
      found = await store.openTasks(user.id, { skip: page * PAGE_SIZE, limit: PAGE_SIZE });
    }
    return { tasks: found.tasks, total: found.total, page, pages };
  }

  /**
   * A head's team (an admin's: everyone active): each person's open leads, open deals, open and
   * overdue tasks. Undefined for anyone else.
   */
  async team(user: User): Promise<TeamLine[] | undefined> {
    const admin = user.roles.includes('admin');
    if (!admin && !(user.roles.includes('head') && user.departmentId)) return undefined;
    const people = await this.deps.store.activePeople(admin ? undefined : user.departmentId);
    const counts = await this.deps.store.teamCounts(
      people.map((person) => person.id),
      this.deps.clock.now(),
    );
    return people.map((person) => ({ user: person, counts: counts.get(person.id) ?? ZERO }));
  }
}
