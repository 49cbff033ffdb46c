import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  ChatItem,
  ClientEvents,
  HelloReply,
  MessageReply,
  MessageRequest,
  ServerEvents,
} from '../../channels/widget/protocol';
import type { WidgetChannelOptions } from '../../channels/widget';
import type { FileStore, StoredFile } from '../../src/domain/ports';
import { startLoopbackServer, type LoopbackServer } from './http-fake';

/** Generous: on a busy CI machine storing a first message (contact, lead, task) can take seconds. */
const ACK_TIMEOUT_MS = 30_000;

/** A site visitor's browser tab, played by the real socket.io client. */
export interface TestVisitor {
  socket: Socket<ServerEvents, ClientEvents>;
  hello: Extract<HelloReply, { ok: true }>;
  visitorId: string;
  /** What the hub pushed to this tab. */
  received: ChatItem[];
  typings: number;
  reads: number;
  send(request: Partial<MessageRequest>): Promise<MessageReply>;
  close(): void;
}

export async function connectSocket(url: string): Promise<Socket<ServerEvents, ClientEvents>> {
  const socket: Socket<ServerEvents, ClientEvents> = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

export async function sayHello(
  socket: Socket<ServerEvents, ClientEvents>,
  siteKey: string,
  token?: string,
): Promise<HelloReply> {
  return socket
    .timeout(ACK_TIMEOUT_MS)
    .emitWithAck('hello', { siteKey, ...(token ? { token } : {}) });
}

export async function connectVisitor(
  url: string,
  options: { siteKey: string; token?: string },
): Promise<TestVisitor> {
  const socket = await connectSocket(url);
  const visitor = { received: [] as ChatItem[], typings: 0, reads: 0 };
  socket.on('message', (item, received) => {
    visitor.received.push(item);
    received();
  });
  socket.on('typing', () => visitor.typings++);
  socket.on('read', () => visitor.reads++);
  const hello = await sayHello(socket, options.siteKey, options.token);
  if (!hello.ok) throw new Error(`hello refused: ${hello.error}`);
  return Object.assign(visitor, {
    socket,
    hello,
    visitorId: hello.token.split('.')[0]!,
    send: (request: Partial<MessageRequest>) =>
      socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('message', { id: randomUUID().replaceAll('-', ''), ...request }),
    close: () => socket.disconnect(),
  });
}

/** Keeps uploads in memory, standing in for the hub's file store. */
export function memoryFileStore(): FileStore & {
  stored: Map<string, StoredFile & { data: Buffer }>;
} {
  const stored = new Map<string, StoredFile & { data: Buffer }>();
  return {
    stored,
    async put(file) {
      const meta = {
        id: randomUUID(),
        name: file.name,
        mimeType: file.mimeType,
        size: file.data.length,
      };
      stored.set(meta.id, { ...meta, data: file.data });
      return meta;
    },
    async get(id) {
      return stored.get(id);
    },
  };
}

export const SITE_KEY = 'acme-site';
const SECRET = 'widget-test-secret-0123456789';

/** Adapter options with in-memory ports, for tests of the adapter alone. */
export function widgetOptions(overrides: Partial<WidgetChannelOptions> = {}): WidgetChannelOptions {
  return {
    siteKey: SITE_KEY,
    secret: SECRET,
    prechatFields: ['name', 'phone'],
    files: memoryFileStore(),
    fileUrl: (id, name) => `https://hub.example/files/${id}/${encodeURIComponent(name)}`,
    history: async () => [],
    anyoneOnline: async () => true,
    ...overrides,
  };
}

/** A bare HTTP server for the adapter's socket.io to attach to. */
export const startHttp = (): Promise<LoopbackServer> =>
  startLoopbackServer((_request, _body, response) => {
    response.statusCode = 404;
    response.end();
  });
