import type { StaffStore } from '../../app/staff/staff';
import type { User } from '../../domain/user';
import type { Models } from '../models';
import { cachedRead } from '../read-cache';
import { oid, plain } from './plain';

/**
 * Values from a request go into these filters. A Telegram id that is not a whole number (say
 * `{"$ne":0}`, which would match the first admin) finds nobody; a code that is not a plain string
 * redeems nothing. Types alone do not stop it: a JSON body is typed only where it was parsed.
 */
const isTelegramId = (value: unknown): value is number => Number.isSafeInteger(value);
const isCode = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export function createStaffStore(models: Models): StaffStore {
  const { User: UserModel, Department, Invite } = models;
  // Every manager-bot update asks who sent it. Any write to users through this process drops
  // the cache at once (a deactivation applies to the next update); another process's within
  // the cache's few seconds.
  const byTelegramId = cachedRead(['users'], async (key) => {
    const doc = await UserModel.findOne({ telegramId: Number(key) }).lean();
    return { user: doc ? plain<User>(doc) : undefined };
  });
  return {
    async findByTelegramId(telegramId) {
      if (!isTelegramId(telegramId)) return undefined;
      return (await byTelegramId.get(String(telegramId))).user;
    },
    async register({ telegramId, name, role, departmentCode, language }) {
      const department = departmentCode
        ? await Department.findOne({ code: departmentCode }).lean()
        : null;
      const created = await UserModel.create({
        telegramId,
        name,
        roles: [role],
        language,
        ...(department ? { departmentId: department._id } : {}),
      });
      return plain<User>(created.toObject());
    },
    async setLanguage(userId, language) {
      await UserModel.updateOne({ _id: oid(userId) }, { $set: { language } });
    },
    async setOnline(userId, online) {
      await UserModel.updateOne({ _id: oid(userId) }, { $set: { online } });
    },
    async ensureDepartment(code) {
      await Department.updateOne(
        { code },
        { $setOnInsert: { code, name: code } },
        { upsert: true },
      );
    },
    async departmentExists(code) {
      if (!isCode(code)) return false;
      return (await Department.countDocuments({ code })) > 0;
    },
    async createInvite(invite) {
      await Invite.create({ ...invite, createdBy: oid(invite.createdBy) });
    },
    async redeemInvite(code, telegramId, at) {
      if (!isCode(code) || !isTelegramId(telegramId)) return undefined;
      const result = await Invite.updateOne(
        { code, usedByTelegramId: null, expiresAt: { $gt: at } },
        { $set: { usedByTelegramId: telegramId } },
      );
      if (result.modifiedCount !== 1) return undefined;
      const invite = await Invite.findOne({ code }).lean();
      return invite ? { role: invite.role, departmentCode: invite.departmentCode } : undefined;
    },
  };
}
