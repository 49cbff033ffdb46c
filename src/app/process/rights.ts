import { SYSTEM_SCOPE, scopeOf, staffActor, type AccessScope } from '../../domain/access';
import type { Task } from '../../domain/task';
import type { User } from '../../domain/user';
import type { Actor } from './actor';
import { ProcessError } from './errors';
import type { Directory, TaskStore } from './ports';

/**
 * PRODUCT.md, process 10: a manager acts on their own records and tasks, a head on their own
 * department's people's, an admin on everything; deactivated people on nothing. The rule itself
 * is `scopeOf` (src/domain/access.ts); this only gathers what it needs from the directory.
 */
export class Rights {
  constructor(
    private readonly deps: {
      directory: Pick<Directory, 'membersOf' | 'departmentCodeOf'>;
      tasks: TaskStore;
    },
  ) {}

  /** What the actor may see and touch: the scope every staff-facing query takes. */
  async scopeOf(actor: Actor | User): Promise<AccessScope> {
    const user = 'kind' in actor ? (actor.kind === 'system' ? undefined : actor.user) : actor;
    if (!user) return SYSTEM_SCOPE;
    const { departmentId } = user;
    const oversees = user.active && user.roles.includes('head') && !user.roles.includes('admin');
    const department =
      oversees && departmentId
        ? { id: departmentId, memberIds: await this.deps.directory.membersOf(departmentId) }
        : undefined;
    return scopeOf(staffActor(user), department);
  }

  /**
   * An open task the actor may act on, or the refusal that explains why not. A staff member's
   * read is one query by id and scope: someone else's task is never read for them.
   */
  async openTask(taskId: string, actor: Actor): Promise<Task> {
    const task = await this.visibleTask(taskId, actor);
    if (!task) {
      const foreign = actor.kind === 'user' && (await this.deps.tasks.exists(taskId));
      throw new ProcessError(foreign ? 'not_allowed' : 'not_found');
    }
    if (task.status !== 'open') throw new ProcessError('task_not_open');
    return task;
  }

  /** The task, open or not, if the actor may see it; undefined for none or someone else's. */
  async visibleTask(taskId: string, actor: Actor): Promise<Task | undefined> {
    const { tasks } = this.deps;
    return actor.kind === 'system'
      ? tasks.get(taskId)
      : tasks.getIn(await this.scopeOf(actor), taskId);
  }

  /** Whether the actor works in that department (the system and admins count as any). */
  async isFrom(actor: Actor, department: 'sales' | 'operations'): Promise<boolean> {
    if (actor.kind === 'system') return true;
    if (actor.user.roles.includes('admin')) return true;
    return (await this.deps.directory.departmentCodeOf(actor.user)) === department;
  }
}
