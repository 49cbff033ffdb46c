import { z } from 'zod';

/** Digit strings after `parseViberJson`; plain numbers from callers that parsed JSON themselves. */
export const viberToken = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform(String);

const viberUser = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  avatar: z.string().optional(),
  language: z.string().optional(),
  country: z.string().optional(),
  api_version: z.number().optional(),
});

const media = z.string().min(1);

/** The message types a user can send a bot, as Viber documents them. */
const viberMessageContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('picture'),
    media,
    text: z.string().optional(),
    file_name: z.string().optional(),
    size: z.number().optional(),
  }),
  z.object({ type: z.literal('video'), media, size: z.number().optional() }),
  z.object({ type: z.literal('file'), media, file_name: z.string(), size: z.number().optional() }),
  z.object({
    type: z.literal('contact'),
    contact: z.object({ name: z.string().optional(), phone_number: z.string().min(1) }),
  }),
  z.object({
    type: z.literal('location'),
    location: z.object({ lat: z.number(), lon: z.number() }),
  }),
  z.object({ type: z.literal('url'), media }),
  z.object({ type: z.literal('sticker'), sticker_id: z.number(), media: z.string().optional() }),
]);
const MESSAGE_TYPES: ReadonlySet<string> = new Set(
  viberMessageContent.options.map((option) => option.shape.type.value),
);

const viberMessageEvent = z.object({
  event: z.literal('message'),
  timestamp: z.number(),
  message_token: viberToken,
  sender: viberUser,
  message: viberMessageContent,
});

const viberConversationStarted = z.object({
  event: z.literal('conversation_started'),
  timestamp: z.number(),
  user: viberUser,
  context: z.string().optional(),
});

const envelope = z.object({
  event: z.string(),
  message: z.object({ type: z.string() }).optional(),
});

export type ViberMessageContent = z.infer<typeof viberMessageContent>;
export type ViberMessageEvent = z.infer<typeof viberMessageEvent>;

export type ViberCallback =
  | { kind: 'message'; event: ViberMessageEvent }
  /** Carries no text to store; its deep-link `context` tags the user's first message. */
  | { kind: 'conversation_started'; userId: string; context?: string }
  /** Receipts, subscriptions, the set-up check, and events or message types we do not read. */
  | { kind: 'ignored' }
  | { kind: 'invalid'; reason: string };

export function parseViberCallback(raw: unknown): ViberCallback {
  const head = envelope.safeParse(raw);
  if (!head.success) return { kind: 'invalid', reason: z.prettifyError(head.error) };
  const { event, message } = head.data;
  if (event === 'message') {
    // Viber keeps adding message types; an unknown one is skipped rather than redelivered for an hour.
    if (message && !MESSAGE_TYPES.has(message.type)) return { kind: 'ignored' };
    const parsed = viberMessageEvent.safeParse(raw);
    return parsed.success
      ? { kind: 'message', event: parsed.data }
      : { kind: 'invalid', reason: z.prettifyError(parsed.error) };
  }
  if (event === 'conversation_started') {
    const parsed = viberConversationStarted.safeParse(raw);
    return parsed.success
      ? {
          kind: 'conversation_started',
          userId: parsed.data.user.id,
          ...(parsed.data.context ? { context: parsed.data.context } : {}),
        }
      : { kind: 'invalid', reason: z.prettifyError(parsed.error) };
  }
  return { kind: 'ignored' };
}
