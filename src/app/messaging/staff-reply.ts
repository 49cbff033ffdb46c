import type { Attachment } from '../../domain/message';
import type { User } from '../../domain/user';
import { ProcessError } from '../process/errors';
import type { RecordAccess } from '../process/record-access';
import { subjectOf } from './ingest-inbound';
import type { ConversationStore } from './ports';
import type { ConversationRef, OutgoingMessage } from './send-to-customer';

/** The manager's Telegram message a reply came from: the reply's cause, the same on redelivery. */
export interface ReplyCause {
  chatId: number;
  messageId: number;
}

export interface StaffReplyDeps<F, Q> {
  conversations: Pick<ConversationStore, 'get'>;
  /** The conversation's record, reached through the person's scope (or refused). */
  records: Pick<RecordAccess, 'open'>;
  /** Copies a file the person sent into the hub's store, so any channel can fetch it. */
  keepFile(file: F): Promise<Attachment>;
  /** Queues the message in the outbox, to the conversation as read here. */
  send(to: ConversationRef, message: OutgoingMessage): Promise<Q>;
}

/**
 * A staff member answered a message the hub does not know yet as a client's card: the card was
 * just sent and its record (written after the send, batched) has not landed. Passing: the update
 * is not taken, so Telegram delivers it again and by then the card is known. Dropping it instead
 * would lose a reply the manager saw go out.
 */
export class ReplyTargetPending extends Error {
  constructor(telegramRef: string) {
    super(`the card ${telegramRef} is not recorded yet`);
    this.name = 'ReplyTargetPending';
  }
}

/** The outbox key's cause for a staff member's reply (domain/outbox.ts). */
export function staffReplyCause(cause: ReplyCause): string {
  return `staff:${cause.chatId}:${cause.messageId}`;
}

/**
 * A staff member answers a client. Only someone who may act on the conversation's lead or deal
 * may write to its client: a manager their own, a head their department's, an admin anyone's.
 * The reply is queued under its cause, so the same Telegram message handled twice (a redelivered
 * update, a handler that outlived the webhook's deadline) reaches the customer once. `F` is a file
 * as the person's messenger names it, `Q` the queued reply as the outbox hands it back.
 */
export class StaffReplies<F, Q> {
  constructor(private readonly deps: StaffReplyDeps<F, Q>) {}

  /** Bound: the bot holds it as its `replyToClient`. */
  readonly reply = async (
    user: User,
    conversationId: string,
    content: { text?: string; file?: F },
    cause: ReplyCause,
  ): Promise<Q> => {
    const { deps } = this;
    const conversation = await deps.conversations.get(conversationId);
    const subject = conversation && subjectOf(conversation);
    if (!subject) throw new ProcessError('not_found');
    await deps.records.open(subject, { kind: 'user', user });
    const attachments = content.file ? [await deps.keepFile(content.file)] : [];
    return deps.send(conversation, {
      cause: staffReplyCause(cause),
      ...(content.text ? { text: content.text } : {}),
      attachments,
      authorUserId: user.id,
      ...(user.departmentId ? { authorDepartmentId: user.departmentId } : {}),
    });
  };
}
