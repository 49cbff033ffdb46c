import type { Directory } from '../../app/process/ports';
import type { User } from '../../domain/user';
import type { Models } from '../models';
import { oid, plain } from './plain';

export function createDirectory(models: Models): Directory {
  const { User: UserModel, Department, Task } = models;
  const departmentId = async (code: string) => (await Department.findOne({ code }).lean())?._id;

  return {
    async getUser(id) {
      const doc = await UserModel.findById(id).lean();
      return doc ? plain<User>(doc) : undefined;
    },

    async candidates({ role, department }) {
      const filter: Record<string, unknown> = { roles: role, active: true };
      if (department) {
        const id = await departmentId(department);
        if (!id) return [];
        filter.departmentId = id;
      }
      const users = (await UserModel.find(filter).sort({ createdAt: 1 }).lean()).map((doc) =>
        plain<User>(doc),
      );
      // Least loaded first; ties keep the oldest colleague first, so the choice is stable.
      const loads = await Promise.all(
        users.map((user) => Task.countDocuments({ assigneeId: oid(user.id), status: 'open' })),
      );
      return users
        .map((user, i) => ({ user, load: loads[i]! }))
        .sort((a, b) => a.load - b.load)
        .map(({ user }) => user);
    },

    async departmentCodeOf(user) {
      if (!user.departmentId) return undefined;
      return (await Department.findById(user.departmentId).lean())?.code;
    },
  };
}
