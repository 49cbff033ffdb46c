import { startLoopbackServer, type LoopbackServer } from './http-fake';

export interface SentPhoto {
  chatId: string;
  caption: string;
  png: Buffer;
}

/**
 * telegram-test-api knows no `sendPhoto`: this relay stands in front of it as the Bot API root,
 * keeps the photos the bot sends (as Telegram would receive them, multipart with the file
 * attached) and passes every other call through to the fake unchanged.
 */
export async function startPhotoRelay(
  target: () => string,
): Promise<LoopbackServer & { photos: SentPhoto[] }> {
  const photos: SentPhoto[] = [];
  let nextId = 50_000;
  const server = await startLoopbackServer(async (request, body, response) => {
    const method = /\/bot[^/]+\/(\w+)/.exec(request.url ?? '')?.[1];
    const contentType = request.headers['content-type'] ?? 'application/json';
    if (method === 'sendPhoto') {
      const form = multipart(body, contentType);
      const field = form.get('photo')?.toString('utf8');
      // grammY names an uploaded file `attach://<name>` and sends it under that name.
      const file = field?.startsWith('attach://')
        ? form.get(field.slice('attach://'.length))
        : form.get('photo');
      if (!file) throw new Error('sendPhoto without a file');
      const chatId = form.get('chat_id')?.toString('utf8') ?? '';
      photos.push({ chatId, caption: form.get('caption')?.toString('utf8') ?? '', png: file });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          ok: true,
          result: {
            message_id: nextId++,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(chatId), type: 'private' },
            photo: [],
          },
        }),
      );
      return;
    }
    const forwarded = await fetch(`${target()}${request.url}`, {
      method: request.method ?? 'POST',
      headers: { 'content-type': contentType },
      ...(request.method === 'GET' ? {} : { body }),
    });
    response.writeHead(forwarded.status, {
      'content-type': forwarded.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await forwarded.arrayBuffer()));
  });
  return { ...server, photos };
}

/**
 * The parts of a multipart/form-data body by name. grammY writes `filename=` unquoted, which
 * undici's parser refuses, so the parts are split here.
 */
function multipart(body: Buffer, contentType: string): Map<string, Buffer> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) throw new Error('multipart body without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = new Map<string, Buffer>();
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const from = start + delimiter.length;
    const end = body.indexOf(delimiter, from);
    if (end === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF.
    const part = body.subarray(from + 2, end - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const name = /;\s*name="?([^";\r\n]+)"?/i.exec(headers)?.[1];
    if (name) parts.set(name, part.subarray(split + 4));
    start = end;
  }
  return parts;
}
