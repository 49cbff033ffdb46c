import type { StaffStore } from '../../app/staff/staff';
import type { User } from '../../domain/user';
import type { Models } from '../models';
import { oid, plain } from './plain';

export function createStaffStore(models: Models): StaffStore {
  const { User: UserModel, Department, Invite } = models;
  return {
    async findByTelegramId(telegramId) {
      const doc = await UserModel.findOne({ telegramId }).lean();
      return doc ? plain<User>(doc) : undefined;
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
      return (await Department.countDocuments({ code })) > 0;
    },
    async createInvite(invite) {
      await Invite.create({ ...invite, createdBy: oid(invite.createdBy) });
    },
    async redeemInvite(code, telegramId, at) {
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
