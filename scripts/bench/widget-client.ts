/**
 * Site visitors as the widget's browser script is to the hub: the real socket.io client over a
 * websocket, `hello` with the site key on connect (that joins the visitor's room and reads their
 * history), and every pushed message confirmed, as the widget confirms it.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  ChatItem,
  ClientEvents,
  MessageReply,
  ServerEvents,
} from '../../channels/widget/protocol';
import { interruption } from './interrupt';

export type WidgetSocket = Socket<ServerEvents, ClientEvents>;

export const BENCH_SITE_KEY = 'bench-site';

/** Connects one tab and introduces it; throws when either fails within `timeoutMs`. */
export async function openVisitor(hubUrl: string, timeoutMs: number): Promise<WidgetSocket> {
  const socket: WidgetSocket = io(hubUrl, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const hello = await socket.timeout(timeoutMs).emitWithAck('hello', { siteKey: BENCH_SITE_KEY });
    if (!hello.ok) throw new Error(`hello refused: ${hello.error}`);
    return socket;
  } catch (error) {
    socket.disconnect();
    throw error;
  }
}

export interface OpenedVisitors {
  sockets: WidgetSocket[];
  failed: number;
  firstError?: string;
  seconds: number;
  /** Stopped at the deadline with sockets still to open. */
  timedOut: boolean;
}

/** Opens `count` idle tabs, `concurrency` at a time, until done or `deadline` (performance.now()). */
export async function openVisitors(
  hubUrl: string,
  count: number,
  options: { concurrency: number; deadline: number; timeoutMs: number },
): Promise<OpenedVisitors> {
  const started = performance.now();
  const sockets: WidgetSocket[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const open = () =>
    next < count && performance.now() < options.deadline && !interruption.requested;
  const worker = async () => {
    while (open()) {
      next++;
      try {
        sockets.push(await openVisitor(hubUrl, options.timeoutMs));
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return {
    sockets,
    failed,
    ...(firstError ? { firstError } : {}),
    seconds: (performance.now() - started) / 1000,
    timedOut: next < count,
  };
}

/** A visitor whose arrivals are timed: `waitFor(text)` resolves with the moment it came. */
export interface TimedVisitor {
  socket: WidgetSocket;
  /** Sends a message the way the widget does (acknowledged once the hub stored it). */
  write(text: string, timeoutMs: number): Promise<MessageReply>;
  /** performance.now() when a message with this text arrives; undefined after the timeout. */
  waitFor(text: string, timeoutMs: number): Promise<number | undefined>;
  /** Every message pushed to this visitor, with when it came. */
  received: { item: ChatItem; at: number }[];
}

export function timedVisitor(socket: WidgetSocket): TimedVisitor {
  const received: { item: ChatItem; at: number }[] = [];
  const waiting = new Map<string, (at: number) => void>();
  socket.on('message', (item, confirm) => {
    const at = performance.now();
    received.push({ item, at });
    confirm();
    if (item.text !== undefined) waiting.get(item.text)?.(at);
  });
  return {
    socket,
    received,
    write: (text, timeoutMs) =>
      socket
        .timeout(timeoutMs)
        .emitWithAck('message', { id: randomUUID().replaceAll('-', ''), text }),
    waitFor(text, timeoutMs) {
      const already = received.find((r) => r.item.text === text);
      if (already) return Promise.resolve(already.at);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(text);
          resolve(undefined);
        }, timeoutMs);
        waiting.set(text, (at) => {
          clearTimeout(timer);
          waiting.delete(text);
          resolve(at);
        });
      });
    },
  };
}
