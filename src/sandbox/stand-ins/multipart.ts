/** A form field as a Bot API client sends it: a value, or a file with its bytes. */
export type FormValue = string | { fileName: string; mimeType: string; data: Buffer };

/**
 * The request body of a Bot API call, field by field. grammY sends JSON, or multipart when a file
 * travels (then objects arrive JSON-encoded in their fields, and a file part is named by the
 * `attach://<name>` its field points at). Enough for the calls the hub makes; not a general parser.
 */
export function parseBotApiBody(contentType: string, body: Buffer): Record<string, unknown> {
  if (contentType.includes('application/json')) {
    return JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return {};
  const fields: Record<string, FormValue> = {};
  // latin1 keeps each byte as one character, so a file's bytes survive the slicing.
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const name = /name="([^"]+)"/.exec(headers)?.[1];
    if (!name) continue;
    const raw = Buffer.from(part.slice(headerEnd + 4).replace(/\r\n$/, ''), 'latin1');
    const fileName = /filename="?([^"\r\n;]*)"?/.exec(headers)?.[1];
    if (fileName === undefined) {
      fields[name] = raw.toString('utf8');
      continue;
    }
    const mimeType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
    fields[name] = {
      fileName: Buffer.from(fileName, 'latin1').toString('utf8'),
      mimeType: mimeType ?? 'application/octet-stream',
      data: raw,
    };
  }
  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const ref = typeof value === 'string' ? /^attach:\/\/(.+)$/.exec(value)?.[1] : undefined;
    resolved[name] = ref && fields[ref] ? fields[ref] : value;
  }
  return resolved;
}

/** A field that may be a JSON-encoded object (multipart) or the object itself (JSON). */
export function objectField<T>(value: unknown): T | undefined {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as T;
    } catch {
      return undefined;
    }
  }
  return (value ?? undefined) as T | undefined;
}
