import type { Connection } from 'mongoose';
import { auditEventSchema } from './audit-event.model';
import { companySchema } from './company.model';
import { conversionSchema } from './conversion.model';
import { contactSchema } from './contact.model';
import { counterSchema } from './counter.model';
import { conversationSchema } from './conversation.model';
import { dealSchema } from './deal.model';
import { fileSchema } from './file.model';
import { inboxSchema } from './inbox.model';
import { departmentSchema } from './department.model';
import { inviteSchema } from './invite.model';
import { leadSchema } from './lead.model';
import { messageSchema } from './message.model';
import { notificationSchema } from './notification.model';
import { planSchema } from './plan.model';
import { replyWaitHourSchema } from './reply-wait.model';
import { outboxSchema } from './outbox.model';
import { routingRuleSchema } from './routing-rule.model';
import { settingSchema } from './setting.model';
import { taskSchema } from './task.model';
import { userSchema } from './user.model';

/** Registers every model on one connection, so tests can hold several isolated connections. */
export function registerModels(connection: Connection) {
  return {
    AuditEvent: connection.model('AuditEvent', auditEventSchema),
    Company: connection.model('Company', companySchema),
    Contact: connection.model('Contact', contactSchema),
    Counter: connection.model('Counter', counterSchema),
    Conversion: connection.model('Conversion', conversionSchema),
    Conversation: connection.model('Conversation', conversationSchema),
    Deal: connection.model('Deal', dealSchema),
    Department: connection.model('Department', departmentSchema),
    File: connection.model('File', fileSchema),
    Inbox: connection.model('Inbox', inboxSchema, 'inbox'),
    Invite: connection.model('Invite', inviteSchema),
    Lead: connection.model('Lead', leadSchema),
    Message: connection.model('Message', messageSchema),
    Notification: connection.model('Notification', notificationSchema),
    Outbox: connection.model('Outbox', outboxSchema, 'outbox'),
    Plan: connection.model('Plan', planSchema),
    ReplyWaitHour: connection.model('ReplyWaitHour', replyWaitHourSchema, 'replywaithours'),
    RoutingRule: connection.model('RoutingRule', routingRuleSchema),
    Setting: connection.model('Setting', settingSchema),
    Task: connection.model('Task', taskSchema),
    User: connection.model('User', userSchema),
  };
}

export type Models = ReturnType<typeof registerModels>;
