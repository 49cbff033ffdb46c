import { createHmac, timingSafeEqual } from 'node:crypto';

/** Viber signs every callback: hex HMAC-SHA256 of the raw body, keyed by the bot's auth token. */
export function viberSignature(body: Buffer, authToken: string): string {
  return createHmac('sha256', authToken).update(body).digest('hex');
}

export function isViberSignatureValid(
  body: Buffer,
  signature: string | undefined,
  authToken: string,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(viberSignature(body, authToken));
  const given = Buffer.from(signature.trim().toLowerCase());
  // timingSafeEqual throws on unequal lengths; a wrong length is simply a wrong signature.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
