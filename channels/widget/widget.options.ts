import type { Clock, FileStore } from '../../src/domain/ports';
import type { WidgetHistoryItem } from './chat-items';
import type { PrechatField } from './protocol';

/** What the widget needs from the hub, as ports, so the adapter never touches the store. */
export interface WidgetChannelOptions {
  /** The key a site's `<script data-key>` must present. */
  siteKey: string;
  /** Signs visitor tokens; the same secret across restarts keeps visitors' history reachable. */
  secret: string;
  prechatFields: PrechatField[];
  /** Where visitors' uploads are kept; attachments refer to them by id. */
  files: FileStore;
  /** A link the visitor's browser can open for a stored file. */
  fileUrl(fileId: string, name: string): string;
  /** The visitor's messages, oldest first, inbound and outbound. */
  history(chatId: string): Promise<WidgetHistoryItem[]>;
  /** Whether a manager can answer now; otherwise the widget shows its offline notice. */
  anyoneOnline(): Promise<boolean>;
  /**
   * Messages one visitor may send per minute (all their tabs together); past it a message is
   * refused and the widget offers to send it again. Default 20: a person typing never gets there.
   */
  messagesPerMinute?: number;
  /** Per file; socket.io's buffer limit is derived from it. Default 10 MB. */
  maxFileBytes?: number;
  onTyping?(chatId: string): void;
  /** The visitor has seen the company's messages. */
  onSeen?(chatId: string): Promise<void>;
  onError?(error: unknown, context: string): void;
  /** What dates the visitor's messages and the hub's to them; the system clock unless given. */
  clock?: Clock;
}
