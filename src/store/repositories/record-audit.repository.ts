import type { RecordAudit } from '../../app/process/ports';
import type { Models } from '../models';
import { oid } from './plain';

/** A lead's or deal's closings and problems, in the audit collection under the record. */
export function createRecordAudit(models: Models): RecordAudit {
  const { AuditEvent: Audit } = models;
  return {
    async record(event) {
      await Audit.create({
        ...event,
        actorUserId: event.actorUserId ? oid(event.actorUserId) : undefined,
      });
    },
  };
}
