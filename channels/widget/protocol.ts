/**
 * What travels over the widget's socket, shared by the hub's adapter and the browser script so the
 * two cannot drift apart. Types only: the browser bundle imports nothing else from the hub.
 */

export type PrechatField = 'name' | 'phone' | 'email';

export interface PageInfo {
  url?: string;
  referrer?: string;
}

export interface Prechat {
  name?: string;
  phone?: string;
  email?: string;
}

/** A file as the browser sends it; socket.io carries `data` as binary, not base64. */
export interface UploadedFile {
  name: string;
  type: string;
  data: ArrayBuffer | Uint8Array;
}

export interface HelloRequest {
  siteKey: string;
  token?: string;
}

export interface MessageRequest {
  /** Made by the browser, so a message resent after a reconnect is stored once. */
  id: string;
  text?: string;
  files?: UploadedFile[];
  prechat?: Prechat;
  page?: PageInfo;
}

export interface SeenRequest {
  /** The newest message the visitor has seen. */
  upTo: string;
}

export interface ChatFile {
  name: string;
  url: string;
  mimeType?: string;
  size?: number;
}

export interface ChatItem {
  /** For the visitor's own messages, the id their browser gave them. */
  id: string;
  direction: 'inbound' | 'outbound';
  text?: string;
  attachments: ChatFile[];
  /** ISO time. */
  sentAt: string;
  /** The visitor's message was read by the company. */
  read?: boolean;
}

export type HelloReply =
  | {
      ok: true;
      token: string;
      history: ChatItem[];
      prechatFields: PrechatField[];
      online: boolean;
      maxFileBytes: number;
    }
  | { ok: false; error: 'invalid' | 'site_key' };

export type MessageReply =
  | { ok: true; item: ChatItem }
  | { ok: false; error: 'invalid' | 'no_hello' | 'too_large' | 'rate_limited' | 'failed' };

/** Events the hub pushes to every open tab of one visitor. */
export interface ServerEvents {
  /** The tab confirms, so the hub's `send` resolves once open tabs have the message. */
  message: (item: ChatItem, received: () => void) => void;
  typing: () => void;
  read: () => void;
}

export interface ClientEvents {
  hello: (request: HelloRequest, reply: (answer: HelloReply) => void) => void;
  message: (request: MessageRequest, reply: (answer: MessageReply) => void) => void;
  typing: () => void;
  seen: (request: SeenRequest) => void;
}
