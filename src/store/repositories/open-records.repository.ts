import type { OpenRecords } from '../../app/messaging/ports';
import type { Models } from '../models';
import { oid } from './plain';

export function createOpenRecords(models: Models): OpenRecords {
  const { Deal, Lead } = models;
  return {
    async openSubjectOf(contactId) {
      const deal = await Deal.findOne({ contactId: oid(contactId), closed: false })
        .sort({ createdAt: -1 })
        .select({ _id: 1 })
        .lean();
      if (deal) return { kind: 'deal', id: deal._id.toHexString() };
      const lead = await Lead.findOne({ contactId: oid(contactId), closed: false })
        .sort({ createdAt: -1 })
        .select({ _id: 1 })
        .lean();
      return lead ? { kind: 'lead', id: lead._id.toHexString() } : undefined;
    },
  };
}
