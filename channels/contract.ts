import type { AccountId, Channel } from '../src/domain/channel';
import type { InboundMessage, OutboundMessage } from '../src/domain/message';

// Lives in the domain because the outbox decides on it; adapters throw it from here.
export { ChannelSendError } from '../src/domain/outbox';

/**
 * The one interface every customer channel implements (ARCHITECTURE.md, "Channel adapters").
 * Adding a channel is one folder under `channels/` whose factory returns this and passes the
 * shared contract suite in `tests/contract`.
 */
export interface ChannelAdapter {
  readonly id: Channel;
  /** Present when the channel calls the hub over HTTP; the hub mounts it at `path`. */
  readonly webhook?: WebhookEndpoint;
  /**
   * Several accounts of one channel (`multiAccount` in accounts.ts): one endpoint each, all
   * mounted. An adapter has `webhook` or `webhooks`, not both.
   */
  readonly webhooks?: readonly WebhookEndpoint[];
  /**
   * Begins receiving: long polling or sockets start here; webhook adapters keep the sink for
   * `webhook.handle`. Every inbound message goes through `sink`, which resolves once it is stored.
   */
  start(sink: InboundSink): Promise<void>;
  stop(): Promise<void>;
  /**
   * Sends one message to a chat. Fails with `ChannelSendError`; `retryable` says whether the
   * outbox should try again (rate limits, outages) or mark the message failed (blocked, invalid).
   * `account`: which of the channel's accounts sends (absent: the default one). An adapter built
   * for one account ignores it: the hub wraps a channel's accounts in `multiAccount`, which
   * hands each send to its own account's adapter.
   */
  send(
    chatId: string,
    message: OutboundMessage,
    account?: AccountId,
  ): Promise<{ externalId: string }>;
  /**
   * Downloads a file a customer sent (by the `fileRef` the adapter put on the attachment), so
   * staff can see it in Telegram. Absent when the hub keeps the channel's files itself.
   */
  fetchFile?(fileRef: string): Promise<FetchedFile>;
  /** The least time between two sends to one chat (Telegram: about one message a second). */
  readonly perChatIntervalMs?: number;
  /** The most sends a second to all chats together (Telegram: about 30 for one bot). */
  readonly perSecond?: number;
}

export type InboundSink = (message: InboundMessage) => Promise<void>;

export interface FetchedFile {
  data: Buffer;
  mimeType?: string;
}

/** Files behind a plain URL (VK, Viber): fetched with a deadline, a non-2xx answer is an error. */
export async function fetchUrl(url: string): Promise<FetchedFile> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`file download answered ${response.status}`);
  const mimeType = response.headers.get('content-type') ?? undefined;
  return { data: Buffer.from(await response.arrayBuffer()), ...(mimeType ? { mimeType } : {}) };
}

/** The HTTP methods a webhook endpoint may be called with (a GET for handshakes such as Meta's). */
export type WebhookMethod = 'GET' | 'POST';

/**
 * One webhook call as the channel made it: the method, the path it was mounted at, the query
 * string (handshakes put their challenge there), the headers, and the body's exact bytes, so a
 * signature is checked over what was sent rather than over a re-serialized copy.
 */
export interface WebhookRequest {
  readonly method: WebhookMethod;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names, as node gives them; read one with `headerValue`. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawBody: Buffer;
}

export interface WebhookResponse {
  status: number;
  /** A string is sent as text/plain (VK's confirmation), an object as JSON. */
  body?: string | Record<string, unknown>;
}

export interface WebhookEndpoint {
  path: string;
  /** The methods the hub mounts `handle` for; `['POST']` when absent. */
  methods?: readonly WebhookMethod[];
  /**
   * Checks the signature first (401/403 and nothing stored), parses (400 on malformed input),
   * hands messages to the sink and only then answers, so a crash before the answer means the
   * channel redelivers rather than the message being lost. A sink that fails rejects `handle`
   * (the hub answers 503 and logs it), so the delivery is not acknowledged and comes again with
   * the same message ids, which the store then keeps once.
   */
  handle(request: WebhookRequest): Promise<WebhookResponse>;
}

/** A header's single value, whatever shape the HTTP layer gave it in. */
export function headerValue(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a JSON body; `undefined` means malformed, which the adapter answers with 400. */
export function parseJsonBody(request: WebhookRequest): unknown {
  try {
    return JSON.parse(request.rawBody.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
