import { groupedCreate } from '../grouped-writes';
import type { TaskStore } from '../../app/process/ports';
import type { Task } from '../../domain/task';
import { isDuplicateKeyError } from '../database';
import type { Models } from '../models';
import { workIn } from '../scoped/access-filter';
import { oid, plain } from './plain';

export function toTask(doc: unknown): Task {
  const task = plain<Task & { updatedAt?: Date }>(doc);
  return { ...task, postponements: task.postponements ?? [], problem: task.problem ?? false };
}

export function createTaskRepository(models: Models): TaskStore {
  const { Task: TaskModel } = models;
  const insert = groupedCreate(TaskModel);
  return {
    async ensure(task) {
      try {
        const created = await insert({ ...task, status: 'open' });
        return { task: toTask(created), created: true };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        return { task: toTask(await TaskModel.findOne({ key: task.key }).lean()), created: false };
      }
    },

    async get(id) {
      const doc = await TaskModel.findById(id).lean();
      return doc ? toTask(doc) : undefined;
    },

    async getIn(scope, id) {
      const doc = await TaskModel.findOne({ _id: oid(id), ...workIn(scope) }).lean();
      return doc ? toTask(doc) : undefined;
    },

    async exists(id) {
      return (await TaskModel.exists({ _id: oid(id) })) !== null;
    },

    async markDone(id, at) {
      const result = await TaskModel.updateOne(
        { _id: oid(id), status: 'open' },
        { $set: { status: 'done', completedAt: at } },
      );
      return result.modifiedCount === 1;
    },

    async save(task) {
      // Only an open task changes here: a Postpone racing Done must not reopen it.
      const result = await TaskModel.updateOne(
        { _id: oid(task.id), status: 'open' },
        {
          $set: {
            due: task.due,
            assigneeId: oid(task.assigneeId),
            postponements: task.postponements,
          },
        },
      );
      return result.matchedCount === 1;
    },

    async cancelOpenChainTasks(subject) {
      // Ad-hoc and problem tasks have no chain and outlive a stage move.
      await TaskModel.updateMany(
        {
          'subject.kind': subject.kind,
          'subject.id': oid(subject.id),
          status: 'open',
          chain: { $exists: true },
        },
        { $set: { status: 'cancelled' } },
      );
    },

    async listOpen({ assigneeId, subject }) {
      const filter: Record<string, unknown> = { status: 'open' };
      if (assigneeId) filter.assigneeId = oid(assigneeId);
      if (subject)
        Object.assign(filter, { 'subject.kind': subject.kind, 'subject.id': oid(subject.id) });
      return (await TaskModel.find(filter).sort({ due: 1 }).lean()).map(toTask);
    },
  };
}
