import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server, type DefaultEventsMap, type ServerOptions } from 'socket.io';
import { ChannelSendError, type ChannelAdapter, type InboundSink } from '../contract';
import type { OutboundMessage } from '../../src/domain/message';
import { systemClock } from '../../src/domain/ports';
import { visitorRoom } from './chat-items';
import type { ChatItem, ServerEvents } from './protocol';
import { serveVisitor, type SessionData } from './visitor-session';
import { createVisitorTokens } from './visitor-token';
import type { WidgetChannelOptions } from './widget.options';
import { RateLimiterMemory } from 'rate-limiter-flexible';

const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Room for the event's other fields next to one file in a socket.io packet. */
const PACKET_OVERHEAD_BYTES = 64 * 1024;
/** How long `send` waits for the visitor's open tabs to confirm a message. */
const DELIVERY_WAIT_MS = 3000;

export interface WidgetChannel extends ChannelAdapter {
  readonly id: 'widget';
  /** None: visitors upload their files to the hub's own store, which serves them. */
  readonly fetchFile?: undefined;
  /** Serves socket.io on `server` at the default `/socket.io` path; call once, before listening. */
  attach(server: HttpServer): void;
  /**
   * Lets another hub process's sends reach the sockets held here, and this one's reach theirs
   * (socket.io's adapter over the shared database); call before `attach`. Without it a message
   * reaches only the tabs connected to the process that sends it.
   */
  relay(adapter: NonNullable<ServerOptions['adapter']>): void;
  /** Shows the visitor that someone is writing to them. */
  typing(chatId: string): void;
  /** Marks the visitor's messages as read in every tab they have open. */
  markRead(chatId: string): void;
}

export function createWidgetChannel(options: WidgetChannelOptions): WidgetChannel {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const clock = options.clock ?? systemClock;
  const tokens = createVisitorTokens(options.secret);
  const limiter = new RateLimiterMemory({ points: options.messagesPerMinute ?? 20, duration: 60 });
  let io: Server<DefaultEventsMap, ServerEvents, DefaultEventsMap, SessionData> | undefined;
  let sink: InboundSink | undefined;
  let adapter: ServerOptions['adapter'] | undefined;

  const room = (chatId: string) => {
    if (!io) throw new ChannelSendError('the widget socket server is not attached', true);
    return io.to(visitorRoom(chatId));
  };

  return {
    id: 'widget',

    relay(relayAdapter) {
      if (io) throw new Error('the widget relay must be set before the channel is attached');
      adapter = relayAdapter;
    },

    attach(server) {
      if (io) throw new Error('the widget channel is already attached');
      io = new Server(server, {
        ...(adapter ? { adapter } : {}),
        maxHttpBufferSize: maxFileBytes + PACKET_OVERHEAD_BYTES,
        // The widget runs on the company's site, another origin; the token, not cookies, is the
        // visitor's identity, so any origin may connect.
        cors: { origin: true, credentials: false },
      });
      io.on('connection', (socket) =>
        serveVisitor(socket, { options, tokens, limiter, maxFileBytes, sink: () => sink }),
      );
    },

    async start(next) {
      sink = next;
    },

    async stop() {
      sink = undefined;
      if (!io) return;
      // Only this process's sockets: through the relay, `io.disconnectSockets` would end every process's.
      io.local.disconnectSockets(true);
      // `io.close()` would also close the hub's HTTP server, which the hub closes itself.
      io.engine.close();
      // The relay's adapter stops its heartbeat (the in-memory one has nothing to stop).
      await io.of('/').adapter.close();
      io = undefined;
    },

    async send(chatId, message: OutboundMessage) {
      const item: ChatItem = {
        id: message.key ?? randomUUID(),
        direction: 'outbound',
        attachments: message.attachments.map((attachment) => ({
          name: attachment.name,
          url: attachment.url,
          ...(attachment.mimeType ? { mimeType: attachment.mimeType } : {}),
          ...(attachment.size !== undefined ? { size: attachment.size } : {}),
        })),
        sentAt: clock.now().toISOString(),
      };
      if (message.text) item.text = message.text;
      // A visitor with no tab open, or a tab gone mid-send, reads it from history next time:
      // that still counts as delivered, so a missing confirmation is no error.
      await room(chatId)
        .timeout(DELIVERY_WAIT_MS)
        .emitWithAck('message', item)
        .catch(() => undefined);
      return { externalId: item.id };
    },

    typing(chatId) {
      room(chatId).emit('typing');
    },

    markRead(chatId) {
      room(chatId).emit('read');
    },
  };
}
