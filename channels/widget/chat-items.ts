import type { ChatLine } from '../../src/domain/message';
import type { ChatFile, ChatItem } from './protocol';

/** A stored message of one visitor's conversation, as the hub's history port returns it. */
export type WidgetHistoryItem = ChatLine;

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
