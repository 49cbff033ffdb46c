import {
  SYSTEM_SCOPE,
  coversPerson,
  scopeOf,
  staffActor,
  type AccessScope,
} from '../../domain/access';
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
    const overseesDepartment =
      user.active &&
      user.departmentId &&
      user.roles.includes('head') &&
      !user.roles.includes('admin');
    const department = overseesDepartment
      ? {
          id: user.departmentId!,
          memberIds: await this.deps.directory.membersOf(user.departmentId!),
        }
      : undefined;
    return scopeOf(staffActor(user), department);
  }

  /** An open task the actor may act on, or the refusal that explains why not. */
  async openTask(taskId: string, actor: Actor): Promise<Task> {
    const task = await this.deps.tasks.get(taskId);
    if (!task) throw new ProcessError('not_found');
    if (task.status !== 'open') throw new ProcessError('task_not_open');
    if (!(await this.mayActOnWorkOf(actor, task.assigneeId))) throw new ProcessError('not_allowed');
    return task;
  }

  /** Whether the actor works in that department (the system and admins count as any). */
  async isFrom(actor: Actor, department: 'sales' | 'operations'): Promise<boolean> {
    if (actor.kind === 'system') return true;
    if (actor.user.roles.includes('admin')) return true;
    return (await this.deps.directory.departmentCodeOf(actor.user)) === department;
  }

  private async mayActOnWorkOf(actor: Actor, userId: string): Promise<boolean> {
    if (actor.kind === 'system') return true;
    if (actor.user.active && actor.user.id === userId) return true;
    return coversPerson(await this.scopeOf(actor), userId);
  }
}
