import { z } from 'zod';

/**
 * Callback API payloads (API version 5.199) as far as the hub reads them. Unknown keys are
 * dropped: VK adds fields without bumping the version.
 */

/** Every event has this envelope; `secret` is checked before anything inside `object` is read. */
export const callbackEnvelopeSchema = z.object({
  type: z.string().min(1),
  group_id: z.number().int(),
  event_id: z.string().optional(),
  v: z.string().optional(),
  secret: z.string().optional(),
  object: z.unknown().optional(),
});
export type CallbackEnvelope = z.infer<typeof callbackEnvelopeSchema>;

const photoSize = z.object({ url: z.string(), width: z.number(), height: z.number() });
export type VkPhotoSize = z.infer<typeof photoSize>;

const photoAttachment = z.object({
  type: z.literal('photo'),
  photo: z.object({ sizes: z.array(photoSize).min(1) }),
});

const docAttachment = z.object({
  type: z.literal('doc'),
  doc: z.object({ url: z.string(), title: z.string(), size: z.number().optional() }),
});

const audioMessageAttachment = z.object({
  type: z.literal('audio_message'),
  audio_message: z.object({ link_ogg: z.string().optional(), link_mp3: z.string().optional() }),
});

const stickerAttachment = z.object({
  type: z.literal('sticker'),
  sticker: z.object({ sticker_id: z.number(), images: z.array(photoSize).default([]) }),
});

const attachmentSchema = z.discriminatedUnion('type', [
  photoAttachment,
  docAttachment,
  audioMessageAttachment,
  stickerAttachment,
]);
export type VkAttachment = z.infer<typeof attachmentSchema>;

/** Walls, links, videos and the like are dropped, not refused: the text still matters. */
const attachmentsSchema = z
  .array(z.unknown())
  .default([])
  .transform((items) =>
    items.flatMap((item) => {
      const parsed = attachmentSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  );
export const vkMessageSchema = z.object({
  /** 0 in group chats, where only `conversation_message_id` identifies the message. */
  id: z.number().int(),
  conversation_message_id: z.number().int().optional(),
  date: z.number().int(),
  peer_id: z.number().int(),
  from_id: z.number().int(),
  /** 1 for the community's own messages, which VK also reports (e.g. as edits). */
  out: z.number().int().optional(),
  text: z.string().default(''),
  attachments: attachmentsSchema,
  /** The deep-link parameters of `vk.me/<community>?ref=…&ref_source=…`. */
  ref: z.string().optional(),
  ref_source: z.string().optional(),
});
export type VkMessage = z.infer<typeof vkMessageSchema>;

/** `message_new` wraps the message together with what the customer's app can show. */
const messageNewObjectSchema = z.object({ message: vkMessageSchema });

export interface VkMessageEvent {
  message: VkMessage;
  edited: boolean;
}

/**
 * The message an event carries: `null` for events that carry none, `undefined` for a message event
 * whose object does not have the documented shape.
 */
export function messageEventOf(envelope: CallbackEnvelope): VkMessageEvent | null | undefined {
  switch (envelope.type) {
    case 'message_new': {
      const parsed = messageNewObjectSchema.safeParse(envelope.object);
      return parsed.success ? { message: parsed.data.message, edited: false } : undefined;
    }
    case 'message_edit': {
      // Unlike message_new, an edit's object is the message itself.
      const parsed = vkMessageSchema.safeParse(envelope.object);
      return parsed.success ? { message: parsed.data, edited: true } : undefined;
    }
    default:
      return null;
  }
}
