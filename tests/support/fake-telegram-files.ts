import { startLoopbackServer, type LoopbackServer } from './http-fake';

export interface SentDocument {
  chatId: string;
  name: string;
  data: Buffer;
  caption?: string;
}

/**
 * The Bot API's file methods, which telegram-test-api lacks, in front of it on loopback:
 * `getFile` and the file download serve what a test "uploaded", `sendDocument` is recorded, and
 * every other call is passed through to the fake behind. Point the hub's TELEGRAM_API_ROOT here.
 */
export interface FakeTelegramFiles {
  apiRoot: string;
  /** A file a person can now send by its id. */
  upload(fileId: string, data: Buffer): void;
  /** Ids of the files the hub downloaded, in order. */
  downloads: string[];
  documents: SentDocument[];
  stop(): Promise<void>;
}

export async function startFakeTelegramFiles(behind: () => string): Promise<FakeTelegramFiles> {
  const files = new Map<string, Buffer>();
  const downloads: string[] = [];
  const documents: SentDocument[] = [];
  let nextMessageId = 900_000;
  const server: LoopbackServer = await startLoopbackServer(async (request, body, response) => {
    const url = request.url ?? '';
    const answer = (result: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, result }));
    };
    const download = /^\/file\/bot[^/]+\/documents\/(.+)$/.exec(url);
    if (download) {
      const id = decodeURIComponent(download[1]!);
      downloads.push(id);
      const data = files.get(id);
      response.writeHead(data ? 200 : 404);
      response.end(data ?? '');
      return;
    }
    const method = /^\/bot[^/]+\/(\w+)/.exec(url)?.[1];
    if (method === 'getFile') {
      const fileId = (JSON.parse(body.toString('utf8')) as { file_id: string }).file_id;
      answer({ file_id: fileId, file_unique_id: fileId, file_path: `documents/${fileId}` });
      return;
    }
    if (method === 'sendDocument') {
      const parts = multipart(body, request.headers['content-type'] ?? '');
      // grammY sends the file under a field of its own, named by an `attach://` reference.
      const reference = parts.get('document')?.data.toString('utf8') ?? '';
      const file = parts.get(reference.replace(/^attach:\/\//, ''))!;
      const chatId = parts.get('chat_id')!.data.toString('utf8');
      const caption = parts.get('caption')?.data.toString('utf8');
      documents.push({
        chatId,
        name: file.filename ?? '',
        data: file.data,
        ...(caption !== undefined ? { caption } : {}),
      });
      answer({
        message_id: nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chatId), type: 'private' },
        document: { file_id: `sent-${nextMessageId}`, file_unique_id: `u${nextMessageId}` },
      });
      return;
    }
    const passed = await fetch(`${behind()}${url}`, {
      method: request.method ?? 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      ...(request.method === 'GET' ? {} : { body }),
    });
    response.writeHead(passed.status, { 'content-type': 'application/json' });
    response.end(Buffer.from(await passed.arrayBuffer()));
  });
  return {
    apiRoot: server.url,
    upload: (fileId, data) => files.set(fileId, data),
    downloads,
    documents,
    stop: () => server.close(),
  };
}

/** grammY's multipart bodies, by field name (undici's parser refuses its header spacing). */
function multipart(
  body: Buffer,
  contentType: string,
): Map<string, { data: Buffer; filename?: string }> {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  const parts = new Map<string, { data: Buffer; filename?: string }>();
  if (!boundary) return parts;
  const separator = Buffer.from(`--${boundary}`);
  let at = body.indexOf(separator);
  while (at !== -1) {
    const next = body.indexOf(separator, at + separator.length);
    if (next === -1) break;
    const part = body.subarray(at + separator.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const name = /[^e]name="?([^";\r\n]*)"?/.exec(headers)?.[1];
    const filename = /filename="?([^";\r\n]*)"?/.exec(headers)?.[1];
    if (name !== undefined) {
      parts.set(name, {
        data: part.subarray(split + 4),
        ...(filename !== undefined ? { filename } : {}),
      });
    }
    at = next;
  }
  return parts;
}
