/**
 * Viber's `message_token` is a 64-bit integer (e.g. 5741311803571721087) that `JSON.parse` would
 * round, making distinct messages share one externalId and defeating the (channel, externalId)
 * dedupe. The token is quoted before parsing so it arrives as an exact digit string. Only a real
 * key can match: inside a JSON string every quote is escaped.
 */
const BARE_TOKEN = /(?<!\\)"message_token"\s*:\s*(\d+)/g;

/** Parses a Viber body (a callback or an API answer); `undefined` means malformed. */
export function parseViberJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(BARE_TOKEN, '"message_token":"$1"')) as unknown;
  } catch {
    return undefined;
  }
}
