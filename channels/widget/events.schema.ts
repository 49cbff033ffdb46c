import { z } from 'zod';

/** Everything a browser sends is checked here before the adapter trusts it. */

const MAX_TEXT = 4000;
const MAX_FILES = 5;

export const helloSchema = z.object({
  siteKey: z.string().max(64),
  token: z.string().max(200).optional(),
});

const binary = z.union([z.instanceof(Buffer), z.instanceof(ArrayBuffer), z.instanceof(Uint8Array)]);

const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((value) => value.trim())
    .optional();

export const messageSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    text: text(MAX_TEXT),
    files: z
      .array(
        z.object({ name: z.string().min(1).max(200), type: z.string().max(200), data: binary }),
      )
      .max(MAX_FILES)
      .default([]),
    prechat: z.object({ name: text(200), phone: text(50), email: text(200) }).optional(),
    page: z.object({ url: text(2000), referrer: text(2000) }).optional(),
  })
  .refine((message) => !!message.text || message.files.length > 0, 'empty message');

export const seenSchema = z.object({ upTo: z.string().max(200) });

export type ParsedMessage = z.infer<typeof messageSchema>;
