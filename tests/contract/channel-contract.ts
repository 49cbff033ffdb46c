import type { ChannelAdapter, WebhookRequest } from '../../channels/contract';
import { ChannelSendError } from '../../channels/contract';
import { CHANNELS } from '../../src/domain/channel';
import type { InboundMessage } from '../../src/domain/message';
import { resendIsSafe } from '../../src/domain/outbox';
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
}

/** The channel's API faked on loopback, with the failures the outbox must survive. */
export interface FakeChannelApi {
  deliveries(): FakeDelivery[];
  /** The next send is answered with a rate limit carrying `retryAfterSec`. */
  rateLimitNext(retryAfterSec: number): void;
  /** The next send fails as if the API were down. */
  failNext(): void;
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
  /** Socket channels have no rate limits to report. */
  rateLimited?: boolean;
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
    let files: Awaited<ReturnType<typeof startFileServer>>;

    beforeAll(async () => {
      files = await startFileServer();
      fake = await harness.startFake();
      adapter = await harness.createAdapter(fake);
      await adapter.start(async (message) => {
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
