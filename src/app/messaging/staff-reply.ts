import type { Attachment } from '../../domain/message';
import type { ProcessRecord } from '../../domain/process/record';
import type { TaskSubject } from '../../domain/task';
import type { User } from '../../domain/user';
import type { Actor } from '../process/actor';
import { ProcessError } from '../process/errors';
import { subjectOf } from './ingest-inbound';
import type { ConversationStore } from './ports';
import type { sendToCustomer } from './send-to-customer';

export interface StaffReplyDeps<F> {
  conversations: Pick<ConversationStore, 'get'>;
  records: { get(subject: TaskSubject): Promise<ProcessRecord | undefined> };
  rights: { mayAct(actor: Actor, record: ProcessRecord): Promise<boolean> };
  /** Copies a file the person sent into the hub's store, so any channel can fetch it. */
  keepFile(file: F): Promise<Attachment>;
  send(conversationId: string, message: Parameters<typeof sendToCustomer>[2]): Promise<unknown>;
}

/**
 * A staff member answers a client. Only someone who may act on the conversation's lead or deal
 * may write to its client: a manager their own, a head their department's, an admin anyone's.
 */
export async function staffReply<F>(
  deps: StaffReplyDeps<F>,
  user: User,
  conversationId: string,
  content: { text?: string; file?: F },
  receipt: { chatId: number; messageId: number },
): Promise<void> {
  const conversation = await deps.conversations.get(conversationId);
  const subject = conversation && subjectOf(conversation);
  const record = subject && (await deps.records.get(subject));
  if (!record) throw new ProcessError('not_found');
  if (!(await deps.rights.mayAct({ kind: 'user', user }, record))) {
    throw new ProcessError('not_allowed');
  }
  const attachments = content.file ? [await deps.keepFile(content.file)] : [];
  await deps.send(conversationId, {
    ...(content.text ? { text: content.text } : {}),
    attachments,
    authorUserId: user.id,
    receipt,
  });
}
