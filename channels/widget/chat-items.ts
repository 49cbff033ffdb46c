import type { Attachment } from '../../src/domain/message';
import type { ChatFile, ChatItem } from './protocol';

/** A stored message of one visitor's conversation, as the hub's history port returns it. */
export interface WidgetHistoryItem {
  /** The stored external id: `visitorId:clientId` for the visitor's messages. */
  id: string;
  direction: 'inbound' | 'outbound';
  text?: string;
  /** `fileRef` is a `FileStore` id (or, for files sent by link, the link itself). */
  attachments: Attachment[];
  sentAt: Date;
  /** The visitor's message was read by the company. */
  read?: boolean;
}

export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;

export function toChatItem(
  item: WidgetHistoryItem,
  visitorId: string,
  fileUrl: (fileId: string, name: string) => string,
): ChatItem {
  const prefix = `${visitorId}:`;
  const chat: ChatItem = {
    id: item.id.startsWith(prefix) ? item.id.slice(prefix.length) : item.id,
    direction: item.direction,
    attachments: item.attachments.map((attachment) => {
      const name = attachment.name ?? 'file';
      const file: ChatFile = {
        name,
        url: /^https?:\/\//.test(attachment.fileRef)
          ? attachment.fileRef
          : fileUrl(attachment.fileRef, name),
      };
      if (attachment.mimeType) file.mimeType = attachment.mimeType;
      if (attachment.size !== undefined) file.size = attachment.size;
      return file;
    }),
    sentAt: item.sentAt.toISOString(),
  };
  if (item.text) chat.text = item.text;
  if (item.read) chat.read = true;
  return chat;
}
