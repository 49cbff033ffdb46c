import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import type { ChannelAdapter, WebhookRequest } from '../../channels/contract';
import { ChannelSendError } from '../../channels/contract';
import { CHANNELS, type Channel } from '../../src/domain/channel';
import type { Attachment, InboundMessage, OutboundMessage } from '../../src/domain/message';
import { outboundParts, outboxKey, resendIsSafe } from '../../src/domain/outbox';
import { webhooksRouter } from '../../src/http/webhooks.router';
import { startFileServer } from '../support/http-fake';

/** What one channel's recorded payload should normalize to (`null`: acknowledged, not a message). */
export interface ContractFixture {
  name: string;
  raw: unknown;
  expected: Partial<InboundMessage> | null;
}

/** A received send, as the channel's fake saw it. */
export interface FakeDelivery {
  chatId: string;
  text?: string;
  /** The file name or URL the fake received, when a file was sent. */
  file?: string;
  /** The id the recipient's client shows the item by (the widget's page), when it has one. */
  id?: string;
}

/** A file a customer sent, as the channel's fake API serves it for download. */
export interface FakeCustomerFile {
  /** What the adapter put on the inbound attachment as `fileRef`. */
  fileRef: string;
  data: Buffer;
  mimeType: string;
}

/** The channel's API faked on loopback, with the failures the outbox must survive. */
export interface FakeChannelApi {
  deliveries(): FakeDelivery[];
  /** The next send is answered with a rate limit carrying `retryAfterSec`. */
  rateLimitNext(retryAfterSec: number): void;
  /** The next send fails as if the API were down. */
  failNext(): void;
  /** A file a customer sent, served by the fake (channels whose adapter has `fetchFile`). */
  customerFile?(): FakeCustomerFile;
  close(): Promise<void>;
}

export interface ChannelHarness {
  normalize(raw: unknown): InboundMessage | null;
  fixtures: ContractFixture[];
  startFake(): Promise<FakeChannelApi>;
  createAdapter(fake: FakeChannelApi): Promise<ChannelAdapter>;
  /** A chat the fake accepts sends to (for the widget: a connected visitor). */
  chatId(fake: FakeChannelApi): string | Promise<string>;
  /**
   * Builds a webhook call for `raw` (serialize it with `bodyOf`), signed correctly or not; absent
   * for socket channels.
   */
  webhookRequest?(raw: unknown, signature: 'valid' | 'wrong' | 'missing'): WebhookRequest;
  /**
   * Socket channels: the customer sends one fixed message (the same client-side id every time, as
   * a retrying client does); resolves to whether the adapter acknowledged it.
   */
  deliverAsCustomer?(fake: FakeChannelApi): Promise<boolean>;
  /** Socket channels have no rate limits to report. */
  rateLimited?: boolean;
}

/** A POST as the hub's webhook router hands it over (tests build webhook calls with this). */
export function webhookPost(
  path: string,
  headers: WebhookRequest['headers'],
  rawBody: Buffer,
): WebhookRequest {
  return { method: 'POST', path, query: new URLSearchParams(), headers, rawBody };
}

/**
 * The contract every channel adapter passes (ARCHITECTURE.md): recorded payloads normalize to the
 * expected messages, a bad signature is refused and reaches nobody, text and files are sent, and
 * rate limits and outages come back as retryable errors so the outbox waits instead of dropping.
 */
export function describeChannelContract(name: string, harness: ChannelHarness): void {
  describe(`${name} channel contract`, () => {
    let fake: FakeChannelApi;
    let adapter: ChannelAdapter;
    const received: InboundMessage[] = [];
    /**
     * The sink as the store behaves: keyed by channel + message id (its unique index), so a
     * redelivered message is kept once. `failing` makes the next calls fail, before or after the
     * message was written (a database that took the write but whose answer was lost).
     */
    const store = new Map<string, InboundMessage>();
    const failing: ('before storing' | 'after storing')[] = [];
    let files: Awaited<ReturnType<typeof startFileServer>>;

    beforeAll(async () => {
      files = await startFileServer();
      fake = await harness.startFake();
      adapter = await harness.createAdapter(fake);
      await adapter.start(async (message) => {
        const failure = failing.shift();
        if (failure === 'before storing') throw new Error('the database is down');
        const key = `${message.channel}:${message.externalId}`;
        if (!store.has(key)) store.set(key, message);
        if (failure === 'after storing') throw new Error('the database answer was lost');
        received.push(message);
      });
    });
    afterAll(async () => {
      await adapter?.stop();
      await fake?.close();
      await files?.close();
    });
    beforeEach(() => {
      received.length = 0;
      store.clear();
      failing.length = 0;
    });

    it.each(harness.fixtures.map((fixture) => [fixture.name, fixture] as const))(
      'normalizes the recorded payload: %s',
      (_name, fixture) => {
        const message = harness.normalize(fixture.raw);
        if (fixture.expected === null) expect(message).toBeNull();
        else expect(message).toMatchObject({ ...fixture.expected, channel: adapter.id });
      },
    );

    const signed = harness.webhookRequest;
    if (signed) {
      const messageFixture = () => harness.fixtures.find((fixture) => fixture.expected !== null)!;

      it('hands a correctly signed webhook to the sink before answering', async () => {
        const response = await adapter.webhook!.handle(signed(messageFixture().raw, 'valid'));
        expect(response.status).toBe(200);
        expect(received).toHaveLength(1);
        expect(received[0]).toMatchObject(messageFixture().expected!);
      });

      it.each(['wrong', 'missing'] as const)(
        'refuses a webhook with a %s signature and passes nothing on',
        async (signature) => {
          const response = await adapter.webhook!.handle(signed(messageFixture().raw, signature));
          expect([401, 403]).toContain(response.status);
          expect(received).toHaveLength(0);
        },
      );

      it('answers 400 to a malformed body signed correctly', async () => {
        const response = await adapter.webhook!.handle(
          signed(new RawBytes(Buffer.from('{"not json')), 'valid'),
        );
        expect(response.status).toBe(400);
        expect(received).toHaveLength(0);
      });
    }

    // What the channel sees: the adapter's answer as the hub's router turns it into HTTP.
    const deliver = deliveryOf(
      harness,
      () => adapter,
      () => fake,
    );
    if (deliver) {
      it.each(['before storing', 'after storing'] as const)(
        'does not acknowledge a delivery whose sink fails %s, and keeps the redelivery once',
        async (when) => {
          failing.push(when);
          expect(await deliver()).toBe(false);
          expect(await deliver()).toBe(true);
          // The second call carried the same message id, which the store keeps once.
          expect(received).toHaveLength(1);
          expect([...store.keys()]).toEqual([`${adapter.id}:${received[0]!.externalId}`]);
        },
      );
    }

    // Each part the outbox makes (domain/outbox.ts `outboundParts`) is one call to the channel.
    // VK and the widget take a repeat of a key as the same message (random_id; items shown by
    // id), so the outbox resends a part found in flight. Telegram and Viber take no key: they
    // promise only that a part whose send failed delivered nothing, so the outbox's retry after
    // a failure delivers it once; a part in flight when the hub died is not resent there (its
    // author is asked to check), because a repeat would show twice.
    it('delivers a retried multi-part send (text + two files) once per part', async () => {
      const chatId = await harness.chatId(fake);
      const before = fake.deliveries().length;
      const parts = multiPartMessage(adapter.id, files.fileUrl);
      for (const part of parts) {
        if (resendIsSafe(adapter.id)) {
          await adapter.send(chatId, part);
          await adapter.send(chatId, part);
        } else {
          fake.failNext();
          const error = await adapter.send(chatId, part).catch((caught: unknown) => caught);
          expect(error).toMatchObject({ retryable: true });
          await adapter.send(chatId, part);
        }
      }
      const shown = shownOnce(fake.deliveries().slice(before));
      expect(shown).toHaveLength(parts.length);
      expect(shown.filter((delivery) => delivery.text === 'Счёт и договор')).toHaveLength(1);
      const sentFiles = shown.map((delivery) => delivery.file ?? '').join(',');
      expect(sentFiles).toContain('invoice');
      expect(sentFiles).toContain('contract');
    });

    it('fetches a file a customer sent, or says by its type that it keeps files itself', async () => {
      if (!adapter.fetchFile) {
        // The hub's own file store serves them; the adapter's type says `fetchFile?: undefined`.
        expect(fake.customerFile).toBeUndefined();
        return;
      }
      const sent = fake.customerFile!();
      const fetched = await adapter.fetchFile(sent.fileRef);
      expect(fetched.data.equals(sent.data)).toBe(true);
      expect(fetched.mimeType).toBe(sent.mimeType);
    });

    it('sends text to a chat', async () => {
      const chatId = await harness.chatId(fake);
      const before = fake.deliveries().length;
      const { externalId } = await adapter.send(chatId, {
        text: 'Здравствуйте! Счёт готов.',
        attachments: [],
      });
      expect(externalId).toBeTruthy();
      expect(fake.deliveries().slice(before)).toEqual([
        expect.objectContaining({ chatId, text: 'Здравствуйте! Счёт готов.' }),
      ]);
    });

    it('sends a file to a chat', async () => {
      const chatId = await harness.chatId(fake);
      const before = fake.deliveries().length;
      await adapter.send(chatId, {
        attachments: [
          {
            kind: 'document',
            url: files.fileUrl,
            name: 'invoice.pdf',
            mimeType: 'application/pdf',
          },
        ],
      });
      const sent = fake.deliveries().slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ chatId, file: expect.stringContaining('invoice') });
    });

    // Only where a repeat is harmless (domain/outbox.ts): the outbox resends an entry found in
    // flight after a crash there, trusting the channel to drop the second copy. The widget's copy
    // is dropped in the visitor's page (items are shown by id), which a socket fake cannot see.
    const channel = CHANNELS.find((known) => known === name);
    if (channel && resendIsSafe(channel) && harness.rateLimited !== false) {
      it('delivers a retried send with the same key once', async () => {
        const chatId = await harness.chatId(fake);
        const before = fake.deliveries().length;
        const message = { key: 'staff:900:1:0', text: 'Один раз', attachments: [] };
        await adapter.send(chatId, message);
        await adapter.send(chatId, message);
        expect(fake.deliveries().slice(before)).toEqual([
          expect.objectContaining({ chatId, text: 'Один раз' }),
        ]);
      });
    }

    if (harness.rateLimited !== false) {
      it('reports a rate limit as retryable with a wait', async () => {
        fake.rateLimitNext(3);
        const error = await adapter
          .send(await harness.chatId(fake), { text: 'hello', attachments: [] })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ChannelSendError);
        expect(error).toMatchObject({ retryable: true });
        // The channel's own wait when it names one (Telegram), else the adapter's pacing.
        expect((error as ChannelSendError).retryAfterMs).toBeGreaterThanOrEqual(1000);
      });

      it('reports an outage as retryable', async () => {
        fake.failNext();
        const error = await adapter
          .send(await harness.chatId(fake), { text: 'hello', attachments: [] })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ChannelSendError);
        expect(error).toMatchObject({ retryable: true });
      });
    }
  });
}

/** Passed as `raw` when a harness must sign bytes that are not JSON. */
export class RawBytes {
  constructor(readonly bytes: Buffer) {}
}

/** Serializes a harness's `raw`: JSON for payloads, the bytes themselves for `RawBytes`. */
export function bodyOf(raw: unknown): Buffer {
  return raw instanceof RawBytes ? raw.bytes : Buffer.from(JSON.stringify(raw));
}

/** Deliveries as the recipient sees them: a repeat of an item id replaces the first. */
function shownOnce(deliveries: FakeDelivery[]): FakeDelivery[] {
  return deliveries.filter(
    (delivery, index) =>
      delivery.id === undefined ||
      deliveries.findIndex((other) => other.id === delivery.id) === index,
  );
}

/** A reply with text and two files, split and keyed as the outbox splits and keys it. */
function multiPartMessage(channel: Channel, fileUrl: string): OutboundMessage[] {
  const stored: Attachment[] = [
    { kind: 'document', fileRef: 'invoice', name: 'invoice.pdf', mimeType: 'application/pdf' },
    { kind: 'document', fileRef: 'contract', name: 'contract.pdf', mimeType: 'application/pdf' },
  ];
  const size = 29;
  return outboundParts(channel, { text: 'Счёт и договор', attachments: stored }).map(
    (part, index) => ({
      key: outboxKey(`staff:901:${channel}`, index),
      ...(part.text ? { text: part.text } : {}),
      attachments: part.attachments.map((attachment) => ({
        kind: attachment.kind,
        url: `${fileUrl}?name=${attachment.fileRef}`,
        name: attachment.name ?? attachment.fileRef,
        mimeType: attachment.mimeType ?? 'application/octet-stream',
        size,
      })),
    }),
  );
}

/**
 * One delivery of a message the adapter must store, and whether it was acknowledged: through the
 * hub's webhook router over HTTP for webhook channels (2xx or not, as the channel sees it), by
 * the harness for socket channels.
 */
function deliveryOf(
  harness: ChannelHarness,
  adapter: () => ChannelAdapter,
  fake: () => FakeChannelApi,
): (() => Promise<boolean>) | undefined {
  const { webhookRequest } = harness;
  if (harness.deliverAsCustomer) return () => harness.deliverAsCustomer!(fake());
  if (!webhookRequest) return undefined;
  const raw = harness.fixtures.find((fixture) => fixture.expected !== null)!.raw;
  return async () => {
    const request = webhookRequest(raw, 'valid');
    const app = express();
    app.use(
      webhooksRouter({
        adapters: [adapter()],
        bodyLimit: '1mb',
        logger: pino({ level: 'silent' }),
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const response = await fetch(`http://127.0.0.1:${port}${adapter().webhook!.path}`, {
        method: 'POST',
        headers,
        body: new Uint8Array(request.rawBody),
      });
      await response.arrayBuffer();
      return response.ok;
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  };
}
