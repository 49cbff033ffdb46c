import type { ProcessRecord } from '../../domain/process/record';
import type { Task } from '../../domain/task';
import type { User } from '../../domain/user';
import type { Actor } from './actor';
import { ProcessError } from './errors';
import type { Directory, TaskStore } from './ports';

/**
 * PRODUCT.md, process 10: a manager acts on their own records and tasks, a head on their own
 * department's people's, an admin on everything; deactivated people on nothing.
 */
export class Rights {
  constructor(private readonly deps: { directory: Directory; tasks: TaskStore }) {}

  /** An open task the actor may act on, or the refusal that explains why not. */
  async openTask(taskId: string, actor: Actor): Promise<Task> {
    const task = await this.deps.tasks.get(taskId);
    if (!task) throw new ProcessError('not_found');
    if (task.status !== 'open') throw new ProcessError('task_not_open');
    if (actor.kind === 'user') {
      const { user } = actor;
      const allowed =
        user.active &&
        (user.id === task.assigneeId || (await this.oversees(user, [task.assigneeId])));
      if (!allowed) throw new ProcessError('not_allowed');
    }
    return task;
  }

  /**
   * PRODUCT.md, process 10: an admin oversees everything, a head the work of their own
   * department's people, anyone else only their own.
   */
  async oversees(user: User, userIds: string[]): Promise<boolean> {
    if (user.roles.includes('admin')) return true;
    if (!user.roles.includes('head')) return false;
    const { directory } = this.deps;
    const mine = await directory.departmentCodeOf(user);
    for (const id of userIds) {
      const other = await directory.getUser(id);
      if (mine && other && (await directory.departmentCodeOf(other)) === mine) return true;
    }
    return false;
  }

  async mayAct(actor: Actor, record: ProcessRecord): Promise<boolean> {
    if (actor.kind === 'system') return true;
    const { user } = actor;
    if (!user.active) return false;
    // Nobody in sales has it yet: it is the dispatcher's to pick up (and a head's to oversee).
    const unassigned = !record.responsibles.sales;
    if (unassigned && user.roles.some((role) => role === 'dispatcher' || role === 'head')) {
      return true;
    }
    const responsibles = Object.values(record.responsibles).filter((id): id is string => !!id);
    return responsibles.includes(user.id) || this.oversees(user, responsibles);
  }

  /** Whether the actor works in that department (the system and admins count as any). */
  async isFrom(actor: Actor, department: 'sales' | 'operations'): Promise<boolean> {
    if (actor.kind === 'system') return true;
    if (actor.user.roles.includes('admin')) return true;
    return (await this.deps.directory.departmentCodeOf(actor.user)) === department;
  }
}
