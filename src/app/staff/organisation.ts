import ms, { type StringValue } from 'ms';
import type { Hours } from '../../domain/routing/rule';
import { ROLES, type Role, type User } from '../../domain/user';
import type { Task } from '../../domain/task';
import { SYSTEM } from '../process/actor';
import type { Assignees } from '../process/assignees';
import type { ProcessEngine } from '../process/engine';

export interface OrganisationStore {
  /** Everyone, active or not, with their department's code. */
  people(): Promise<(User & { department?: string })[]>;
  /** Everyone with this Telegram id or exact name (names are not unique). */
  find(who: string): Promise<User[]>;
  setRole(userId: string, role: Role, departmentCode?: string): Promise<void>;
  setActive(userId: string, active: boolean): Promise<void>;
  setSchedule(userId: string, schedule: Hours | undefined): Promise<void>;
  departmentExists(code: string): Promise<boolean>;
  /** Takes this person off every open lead and deal they are responsible for; returns how many. */
  releaseRecords(userId: string): Promise<number>;
  setAlertChat(chatId: number): Promise<void>;
  slaThresholds(): Promise<number[] | undefined>;
  setSlaThresholds(values: number[]): Promise<void>;
}

export class OrganisationError extends Error {
  constructor(
    readonly code:
      | 'not_allowed'
      | 'unknown_person'
      | 'unknown_role'
      | 'unknown_department'
      | 'self'
      | 'ambiguous'
      | 'last_admin'
      | 'last_dispatcher'
      | 'bad_thresholds',
    readonly value?: string,
  ) {
    super(code);
    this.name = 'OrganisationError';
  }
}

/**
 * Admins run the organisation from the bot (PRODUCT.md: users, roles, departments, the alert
 * chat). Deactivating someone hands their open tasks to the dispatcher and frees their records,
 * so clients' messages and the next steps reach someone who is still there.
 */
export class Organisation {
  constructor(
    private readonly deps: {
      store: OrganisationStore;
      tasks: { listOpen(query: { assigneeId: string }): Promise<Task[]> };
      /** Hands a task on as the system: the admin's right to do so is checked here. */
      engine: Pick<ProcessEngine, 'reassignTask'>;
      /** Who the dispatcher is now. */
      assignees: Pick<Assignees, 'pick'>;
      /** The reply-SLA ladder's waits as the process definition declares them. */
      defaultThresholds: number[];
    },
  ) {}

  people(admin: User) {
    this.mustAdmin(admin);
    return this.deps.store.people();
  }

  async setRole(admin: User, who: string, role: string, department?: string): Promise<User> {
    this.mustAdmin(admin);
    const person = await this.person(who);
    if (!(ROLES as readonly string[]).includes(role))
      throw new OrganisationError('unknown_role', role);
    if (department && !(await this.deps.store.departmentExists(department))) {
      throw new OrganisationError('unknown_department', department);
    }
    const admins = (await this.deps.store.people()).filter(
      (p) => p.active && p.roles.includes('admin'),
    );
    // Someone must still be able to run the organisation afterwards.
    if (role !== 'admin' && admins.length === 1 && admins[0]!.id === person.id) {
      throw new OrganisationError('last_admin');
    }
    await this.deps.store.setRole(person.id, role as Role, department);
    return person;
  }

  async deactivate(
    admin: User,
    who: string,
  ): Promise<{ person: User; tasks: number; records: number }> {
    this.mustAdmin(admin);
    const person = await this.person(who);
    if (person.id === admin.id) throw new OrganisationError('self');
    // Whoever takes the work over is found first: with nobody to take it, nothing changes.
    const open = await this.deps.tasks.listOpen({ assigneeId: person.id });
    const dispatcher = await this.deps.assignees.pick('dispatcher');
    if (dispatcher === person.id) throw new OrganisationError('last_dispatcher');
    await this.deps.store.setActive(person.id, false);
    const records = await this.deps.store.releaseRecords(person.id);
    // The conversation of each client once, with the first of their tasks.
    const told = new Set<string>();
    for (const task of open) {
      const client = task.subject ? `${task.subject.kind}:${task.subject.id}` : undefined;
      await this.deps.engine.reassignTask(
        task.id,
        SYSTEM,
        dispatcher,
        !!client && !told.has(client),
      );
      if (client) told.add(client);
    }
    return { person, tasks: open.length, records };
  }

  /** Anyone sets their own hours; an admin sets anyone's. */
  async setSchedule(actor: User, who: string | undefined, hours: Hours | undefined): Promise<User> {
    const person = who ? await this.person(who) : actor;
    if (person.id !== actor.id) this.mustAdmin(actor);
    await this.deps.store.setSchedule(person.id, hours);
    return person;
  }

  async setAlertChat(admin: User, chatId: number): Promise<void> {
    this.mustAdmin(admin);
    await this.deps.store.setAlertChat(chatId);
  }

  /** The reply-SLA ladder's waits in force: an admin's, else the definition's. */
  async slaThresholds(): Promise<number[]> {
    return (await this.deps.store.slaThresholds()) ?? this.deps.defaultThresholds;
  }

  /**
   * `/sla 20m 40m 2h 4h`: one wait per rung of the ladder, each later than the one before. Applies
   * to conversations that start waiting from now on.
   */
  async setSlaThresholds(admin: User, values: string[]): Promise<number[]> {
    this.mustAdmin(admin);
    const waits = values.map((value) =>
      /^\d+(m|h|d)$/.test(value) ? ms(value as StringValue) : NaN,
    );
    const rising = waits.every((wait, i) => wait > 0 && (i === 0 || wait > waits[i - 1]!));
    if (waits.length !== this.deps.defaultThresholds.length || !rising) {
      throw new OrganisationError('bad_thresholds', String(this.deps.defaultThresholds.length));
    }
    await this.deps.store.setSlaThresholds(waits);
    return waits;
  }

  private async person(who: string): Promise<User> {
    const found = await this.deps.store.find(who.trim());
    if (found.length === 0) throw new OrganisationError('unknown_person', who);
    if (found.length > 1) throw new OrganisationError('ambiguous', who);
    return found[0]!;
  }

  private mustAdmin(user: User): void {
    if (!user.roles.includes('admin')) throw new OrganisationError('not_allowed');
  }
}
