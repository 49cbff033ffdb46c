import type { Pipeline, ProcessDefinition, TaskStep } from '../../domain/process/definition';
import { pipelineOf, stageOf } from '../../domain/process/record';
import type { Task } from '../../domain/task';
import type { User } from '../../domain/user';
import type { Actor } from './actor';
import type { Directory, TaskStore } from './ports';
import type { Rights } from './rights';

/** What the manager bot reads to draw cards and choices; no writes here. */
export class TaskQueries {
  constructor(
    private readonly deps: {
      definition: ProcessDefinition;
      tasks: TaskStore;
      directory: Directory;
      rights: Pick<Rights, 'openTask' | 'visibleTask'>;
    },
  ) {}

  /**
   * A task the actor may see, with the chain step that created it, so the bot knows what Done
   * will ask for; undefined for none or someone else's.
   */
  async describeTask(
    taskId: string,
    actor: Actor,
  ): Promise<{ task: Task; step?: TaskStep } | undefined> {
    const task = await this.deps.rights.visibleTask(taskId, actor);
    if (!task) return undefined;
    if (!task.chain) return { task };
    const pipeline = pipelineOf(this.deps.definition, task.chain.pipeline);
    const step = stageOf(pipeline, task.chain.stage).tasks.find((s) => s.id === task.chain!.stepId);
    return step ? { task, step } : { task };
  }

  openTasksOf(userId: string): Promise<Task[]> {
    return this.deps.tasks.listOpen({ assigneeId: userId });
  }

  /** Managers of a department, least loaded first: the dispatcher's choice. */
  managersOf(department: string): Promise<User[]> {
    return this.deps.directory.candidates({ role: 'manager', department });
  }

  get dealTypes(): Pipeline[] {
    return this.deps.definition.deals;
  }

  /** Whether this person may act on the task (its assignee, their head, an admin). */
  async mayHandle(taskId: string, actor: Actor): Promise<boolean> {
    return this.deps.rights.openTask(taskId, actor).then(
      () => true,
      () => false,
    );
  }

  /** Colleagues a task the actor may see can be handed to: managers of its assignee's department. */
  async colleaguesFor(taskId: string, actor: Actor): Promise<User[]> {
    const task = await this.deps.rights.visibleTask(taskId, actor);
    const assignee = task ? await this.deps.directory.getUser(task.assigneeId) : undefined;
    const department = assignee ? await this.deps.directory.departmentCodeOf(assignee) : undefined;
    const colleagues = department ? await this.managersOf(department) : [];
    return colleagues.filter((user) => user.id !== task?.assigneeId);
  }
}
