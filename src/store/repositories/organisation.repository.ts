import type { OrganisationStore } from '../../app/staff/organisation';
import { RESPONSIBLE_SLOTS } from '../../domain/department';
import type { User } from '../../domain/user';
import type { Models } from '../models';
import { oid, plain } from './plain';
import { createSettings } from './settings.repository';

export const ALERT_CHAT = 'alertChat';

export function createOrganisationStore(models: Models): OrganisationStore {
  const { User: Users, Department, Lead, Deal, Setting } = models;
  const settings = createSettings(models);
  return {
    async people() {
      const [users, departments] = await Promise.all([
        Users.find().sort({ createdAt: 1 }).lean(),
        Department.find().lean(),
      ]);
      const codes = new Map(departments.map((d) => [d._id.toHexString(), d.code]));
      return users.map((doc) => {
        const user = plain<User>(doc);
        const department = user.departmentId ? codes.get(user.departmentId) : undefined;
        return { ...user, ...(department ? { department } : {}) };
      });
    },
    async find(who) {
      const telegramId = Number(who);
      const docs = await Users.find(
        Number.isSafeInteger(telegramId) ? { telegramId } : { name: who },
      ).lean();
      return docs.map((doc) => plain<User>(doc));
    },
    async setRole(userId, role, departmentCode) {
      const department = departmentCode
        ? await Department.findOne({ code: departmentCode }).lean()
        : undefined;
      await Users.updateOne(
        { _id: oid(userId) },
        { $set: { roles: [role], ...(department ? { departmentId: department._id } : {}) } },
      );
    },
    async setActive(userId, active) {
      await Users.updateOne({ _id: oid(userId) }, { $set: { active } });
    },
    async setSchedule(userId, schedule) {
      await Users.updateOne(
        { _id: oid(userId) },
        schedule ? { $set: { schedule } } : { $unset: { schedule: 1 } },
      );
    },
    async departmentExists(code) {
      return (await Department.exists({ code })) !== null;
    },
    async releaseRecords(userId) {
      let released = 0;
      for (const slot of RESPONSIBLE_SLOTS) {
        const filter = { [`responsibles.${slot}`]: oid(userId), closed: false };
        const unset = { $unset: { [`responsibles.${slot}`]: 1 } };
        released += (await Lead.updateMany(filter, unset)).modifiedCount;
        released += (await Deal.updateMany(filter, unset)).modifiedCount;
      }
      return released;
    },
    slaThresholds: () => settings.slaThresholds(),
    setSlaThresholds: (values) => settings.setSlaThresholds(values),
    async setAlertChat(chatId) {
      await Setting.updateOne({ key: ALERT_CHAT }, { $set: { value: chatId } }, { upsert: true });
    },
  };
}
