import { Types } from 'mongoose';
import type { RoutingAudit, RoutingPeople, RuleStore } from '../../app/routing/ports';
import type { AuditEvent } from '../../domain/audit-event';
import type { RoutingRule } from '../../domain/routing/rule';
import type { Directory } from '../../app/process/ports';
import type { Models } from '../models';
import { cachedRead } from '../read-cache';
import { oid, plain } from './plain';

export function createRuleStore(models: Models): RuleStore {
  const { RoutingRule: Rule } = models;
  // Every new lead reads the rules; admins change them rarely.
  const rules = cachedRead(['routingrules'], async () => {
    const docs = await Rule.find().sort({ position: 1 }).lean();
    return docs.map((doc) => ({
      id: doc._id.toHexString(),
      conditions: plain<RoutingRule['conditions']>(doc.conditions ?? {}),
      action: plain<RoutingRule['action']>(doc.action),
    }));
  });
  return {
    // A copy: the editor changes the list it is given before saving it.
    list: async () => structuredClone(await rules.get()),
    async replace(rules) {
      // Round-robin's memory stays with a rule that survives the edit.
      const memory = new Map(
        (await Rule.find().lean()).map((doc) => [doc._id.toHexString(), doc.lastAssignedUserId]),
      );
      await Rule.deleteMany({});
      if (rules.length === 0) return;
      await Rule.insertMany(
        rules.map((rule, position) => ({
          _id: oid(rule.id),
          position,
          conditions: rule.conditions,
          action: rule.action,
          lastAssignedUserId: memory.get(rule.id) ?? undefined,
        })),
      );
    },
    async lastAssigned(ruleId) {
      return (await Rule.findById(oid(ruleId)).lean())?.lastAssignedUserId ?? undefined;
    },
    async markAssigned(ruleId, userId) {
      await Rule.updateOne({ _id: oid(ruleId) }, { $set: { lastAssignedUserId: userId } });
    },
    newId: () => new Types.ObjectId().toHexString(),
  };
}

export function createRoutingAudit(models: Models): RoutingAudit {
  const { AuditEvent: Audit } = models;
  const routing = { 'subject.kind': 'routing' };
  return {
    async record(event) {
      await Audit.create({
        ...event,
        actorUserId: event.actorUserId ? oid(event.actorUserId) : undefined,
      });
    },
    async lastChange() {
      const doc = await Audit.findOne({
        ...routing,
        action: { $ne: 'routing.undo' },
        undoneAt: null,
      })
        .sort({ at: -1, _id: -1 })
        .lean();
      return doc ? plain<AuditEvent>(doc) : undefined;
    },
    async markUndone(id, at) {
      await Audit.updateOne({ _id: oid(id) }, { $set: { undoneAt: at } });
    },
    async recent(limit) {
      const docs = await Audit.find(routing).sort({ at: -1, _id: -1 }).limit(limit).lean();
      return docs.map((doc) => plain<AuditEvent>(doc));
    },
  };
}

export function createRoutingPeople(models: Models, directory: Directory): RoutingPeople {
  const { User, Department } = models;
  return {
    async find(who) {
      const telegramId = Number(who);
      const filter = Number.isSafeInteger(telegramId) ? { telegramId } : { name: who };
      const docs = await User.find({ ...filter, active: true }).lean();
      const users = await Promise.all(docs.map((doc) => directory.getUser(doc._id.toHexString())));
      return users.filter((user) => user !== undefined);
    },
    get: (id) => directory.getUser(id),
    managersOf: (department) => directory.candidates({ role: 'manager', department }),
    async departmentExists(code) {
      return (await Department.exists({ code })) !== null;
    },
  };
}
