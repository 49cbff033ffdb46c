import type { RateLimiterMemory } from 'rate-limiter-flexible';
import type { DefaultEventsMap, Socket } from 'socket.io';
import type { InboundSink } from '../contract';
import type { Attachment } from '../../src/domain/message';
import { systemClock } from '../../src/domain/ports';
import { helloSchema, messageSchema, seenSchema, type ParsedMessage } from './events.schema';
import { attachmentKind, normalizeWidgetMessage } from './normalize';
import type { ChatItem, HelloReply, MessageReply, ServerEvents } from './protocol';
import type { WidgetChannelOptions } from './widget.options';
import { toChatItem, visitorRoom } from './chat-items';
import type { VisitorTokens } from './visitor-token';

/** Other tabs confirming is a courtesy; nobody waits on it for long. */
const OTHER_TABS_WAIT_MS = 3000;

export interface SessionData {
  visitorId?: string;
  /** Nothing stored for this visitor yet: their next message carries its origin. */
  first?: boolean;
}

export type VisitorSocket = Socket<DefaultEventsMap, ServerEvents, DefaultEventsMap, SessionData>;

interface SessionDeps {
  options: WidgetChannelOptions;
  /** Shared by every socket of this channel: a visitor's tabs count together. */
  limiter: RateLimiterMemory;
  tokens: VisitorTokens;
  maxFileBytes: number;
  /** The sink once `start` ran; messages before that are refused so the browser retries. */
  sink(): InboundSink | undefined;
}

/** Wires one browser tab's events: who it is (hello), what it writes, typing and seen. */
export function serveVisitor(socket: VisitorSocket, deps: SessionDeps): void {
  const { options } = deps;
  const report = (error: unknown, context: string) => options.onError?.(error, context);

  socket.on('hello', async (raw: unknown, reply: unknown) => {
    if (typeof reply !== 'function') return;
    const answer = (value: HelloReply) => (reply as (value: HelloReply) => void)(value);
    const hello = helloSchema.safeParse(raw);
    if (!hello.success) return answer({ ok: false, error: 'invalid' });
    if (hello.data.siteKey !== options.siteKey) return answer({ ok: false, error: 'site_key' });
    try {
      let visitorId = deps.tokens.verify(hello.data.token);
      let token = hello.data.token;
      // A forged or foreign token gets a new, empty identity, never anyone's history.
      if (!visitorId || !token) ({ visitorId, token } = deps.tokens.issue());
      const [history, online] = await Promise.all([
        options.history(visitorId),
        options.anyoneOnline(),
      ]);
      if (socket.data.visitorId && socket.data.visitorId !== visitorId) {
        await socket.leave(visitorRoom(socket.data.visitorId));
      }
      socket.data.visitorId = visitorId;
      socket.data.first = history.every((item) => item.direction !== 'inbound');
      await socket.join(visitorRoom(visitorId));
      answer({
        ok: true,
        token,
        history: history.map((item) => toChatItem(item, visitorId, options.fileUrl)),
        prechatFields: options.prechatFields,
        online,
        maxFileBytes: deps.maxFileBytes,
      });
    } catch (error) {
      report(error, 'widget hello failed');
      answer({ ok: false, error: 'invalid' });
    }
  });

  socket.on('message', async (raw: unknown, reply: unknown) => {
    const answer = (value: MessageReply) => {
      if (typeof reply === 'function') (reply as (value: MessageReply) => void)(value);
    };
    const visitorId = socket.data.visitorId;
    const sink = deps.sink();
    if (!visitorId || !sink) return answer({ ok: false, error: 'no_hello' });
    const parsed = messageSchema.safeParse(raw);
    if (!parsed.success) return answer({ ok: false, error: 'invalid' });
    // A flood from one visitor (a script, a stuck key) is refused before anything is stored.
    if (
      !(await deps.limiter.consume(visitorId).then(
        () => true,
        () => false,
      ))
    ) {
      return answer({ ok: false, error: 'rate_limited' });
    }
    if (parsed.data.files.some((file) => file.data.byteLength > deps.maxFileBytes)) {
      return answer({ ok: false, error: 'too_large' });
    }
    try {
      const item = await receive(parsed.data, visitorId, !!socket.data.first, sink, options);
      socket.data.first = false;
      // The visitor's other tabs show what this one sent.
      void socket
        .to(visitorRoom(visitorId))
        .timeout(OTHER_TABS_WAIT_MS)
        .emitWithAck('message', item)
        .catch(() => undefined);
      answer({ ok: true, item });
    } catch (error) {
      report(error, 'widget message not stored');
      answer({ ok: false, error: 'failed' });
    }
  });

  socket.on('typing', () => {
    if (socket.data.visitorId) options.onTyping?.(socket.data.visitorId);
  });

  socket.on('seen', (raw: unknown) => {
    const visitorId = socket.data.visitorId;
    if (!visitorId || !seenSchema.safeParse(raw).success || !options.onSeen) return;
    options.onSeen(visitorId).catch((error: unknown) => report(error, 'widget seen failed'));
  });
}

async function receive(
  parsed: ParsedMessage,
  visitorId: string,
  first: boolean,
  sink: InboundSink,
  options: WidgetChannelOptions,
): Promise<ChatItem> {
  const attachments: Attachment[] = [];
  for (const file of parsed.files) {
    const mimeType = file.type || 'application/octet-stream';
    const stored = await options.files.put({
      name: file.name,
      mimeType,
      data: Buffer.from(file.data instanceof ArrayBuffer ? new Uint8Array(file.data) : file.data),
    });
    attachments.push({
      kind: attachmentKind(mimeType),
      fileRef: stored.id,
      name: stored.name,
      mimeType: stored.mimeType,
      size: stored.size,
    });
  }
  const inbound = normalizeWidgetMessage({
    visitorId,
    clientId: parsed.id,
    ...(parsed.text ? { text: parsed.text } : {}),
    attachments,
    ...(parsed.prechat ? { prechat: parsed.prechat } : {}),
    ...(parsed.page ? { page: parsed.page } : {}),
    first,
    receivedAt: (options.clock ?? systemClock).now(),
  });
  if (!inbound) throw new Error('empty widget message passed validation');
  await sink(inbound);
  return toChatItem(
    {
      id: inbound.externalId,
      direction: 'inbound',
      ...(inbound.text ? { text: inbound.text } : {}),
      attachments,
      sentAt: inbound.sentAt,
    },
    visitorId,
    options.fileUrl,
  );
}
