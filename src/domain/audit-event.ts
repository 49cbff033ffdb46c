export interface AuditEvent {
  id: string;
  actorUserId?: string;
  action: string;
  subject: { kind: string; id?: string };
  before?: unknown;
  after?: unknown;
  at: Date;
  undoneAt?: Date;
}
