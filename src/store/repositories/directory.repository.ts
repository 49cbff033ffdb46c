import type { Directory } from '../../app/process/ports';
import type { User } from '../../domain/user';
import type { Models } from '../models';
import { cachedRead } from '../read-cache';
import { oid, plain } from './plain';

/**
 * Open tasks per person are re-counted at most this often: "least loaded" is a fair-share
 * heuristic, and counting on every lead would cost a round trip per candidate list each time.
 */
const LOADS_TTL_MS = 1000;

export function createDirectory(models: Models): Directory {
  const { User: UserModel, Department, Task } = models;
  const departments = cachedRead(['departments'], async () => {
    const docs = await Department.find().lean();
    return new Map(docs.map((doc) => [doc.code, doc._id.toHexString()]));
  });
  const users = cachedRead(['users'], async () =>
    (await UserModel.find({ active: true }).sort({ createdAt: 1 }).lean()).map((doc) =>
      plain<User>(doc),
    ),
  );
  const loads = cachedRead(
    [],
    async (ids) => {
      const counts = await Task.aggregate<{ _id: unknown; open: number }>([
        { $match: { status: 'open', assigneeId: { $in: ids.split(',').map(oid) } } },
        { $group: { _id: '$assigneeId', open: { $sum: 1 } } },
      ]);
      return new Map(counts.map((row) => [String(row._id), row.open]));
    },
    LOADS_TTL_MS,
  );

  return {
    async getUser(id) {
      // Anything but a 24-hex id (an object from a request body, say) is nobody, not a filter.
      if (typeof id !== 'string' || !/^[0-9a-f]{24}$/i.test(id)) return undefined;
      const doc = await UserModel.findById(oid(id)).lean();
      return doc ? plain<User>(doc) : undefined;
    },

    async candidates({ role, department }) {
      const departmentId = department ? (await departments.get()).get(department) : undefined;
      if (department && !departmentId) return [];
      const matching = (await users.get()).filter(
        (user) =>
          user.roles.includes(role) && (!departmentId || user.departmentId === departmentId),
      );
      if (matching.length < 2) return matching;
      // Least loaded first; ties keep the oldest colleague first, so the choice is stable.
      const open = await loads.get(matching.map((user) => user.id).join(','));
      return matching
        .map((user, order) => ({ user, order, load: open.get(user.id) ?? 0 }))
        .sort((a, b) => a.load - b.load || a.order - b.order)
        .map(({ user }) => user);
    },

    async departmentCodeOf(user) {
      if (!user.departmentId) return undefined;
      for (const [code, id] of await departments.get()) if (id === user.departmentId) return code;
      return undefined;
    },

    async membersOf(departmentId) {
      const docs = await UserModel.find({ departmentId: oid(departmentId) })
        .select({ _id: 1 })
        .lean();
      return docs.map((doc) => doc._id.toHexString());
    },
  };
}
