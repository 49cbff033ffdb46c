import { z } from 'zod';

/**
 * Telegram updates as far as the hub reads them, checked before anything is stored or looked up.
 * An id that is not a whole number (an object, a string, `{"$ne":0}`) would otherwise end up in
 * a key like `4104:[object Object]` or in a database filter, so a wrong type is refused (400)
 * rather than coerced. Optional fields may be absent, never of another type. Unknown keys are
 * allowed and dropped from the parsed value (Telegram adds fields); the manager webhook checks
 * with this schema and then hands grammY the update as received.
 */
const id = z.number().int().safe();
const text = z.string();

const user = z.object({
  id,
  is_bot: z.boolean(),
  first_name: text,
  last_name: text.optional(),
  username: text.optional(),
  language_code: text.optional(),
});

const chat = z.object({ id, type: text });

const file = z.object({
  file_id: text,
  file_unique_id: text.optional(),
  file_size: z.number().int().nonnegative().optional(),
});
const namedFile = file.extend({ file_name: text.optional(), mime_type: text.optional() });

const entity = z.object({
  type: text,
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
});

/** The fields of a message that the customer normalizer and the manager bot read. */
const messageFields = {
  message_id: id,
  date: z.number().int().nonnegative(),
  chat,
  from: user.optional(),
  text: text.optional(),
  caption: text.optional(),
  entities: z.array(entity).optional(),
  caption_entities: z.array(entity).optional(),
  photo: z.array(file).optional(),
  document: namedFile.optional(),
  voice: namedFile.optional(),
  video: namedFile.optional(),
  audio: namedFile.optional(),
  sticker: file.optional(),
  contact: z
    .object({ phone_number: text, first_name: text.optional(), user_id: id.optional() })
    .optional(),
  edit_date: z.number().int().nonnegative().optional(),
};

/**
 * A reply quotes the message it answers; one level is all the bot reads, and of it the id and
 * what it carried (its chat and date add nothing the reply itself lacks).
 */
const message = z.object({
  ...messageFields,
  reply_to_message: z
    .object({ ...messageFields, chat: chat.optional(), date: messageFields.date.optional() })
    .optional(),
});

const callbackQuery = z.object({
  id: text,
  from: user,
  data: text.optional(),
  chat_instance: text.optional(),
  // The message the button was on; an old one may be inaccessible, so every field is optional.
  message: z
    .object({ message_id: id.optional(), chat: chat.optional(), date: z.number().int().optional() })
    .optional(),
});

export const telegramUpdateSchema = z.object({
  update_id: z.number().int().nonnegative().safe(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: callbackQuery.optional(),
});

export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;
export type TelegramMessage = z.infer<typeof message>;
