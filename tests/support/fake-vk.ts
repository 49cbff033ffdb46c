import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeChannelApi, FakeDelivery } from '../contract/channel-contract';
import { startLoopbackServer } from './http-fake';

type Failure =
  { kind: 'api-error'; code: number; message: string } | { kind: 'http-500' } | { kind: 'drop' };

interface UploadedFile {
  name: string;
  size: number;
}

/** VK's HTTP API for one community, faked on loopback: messages.send and the upload dance. */
export interface FakeVk extends FakeChannelApi {
  /** Give this to the adapter as `apiBaseUrl`. */
  readonly apiBaseUrl: string;
  readonly token: string;
  readonly groupId: number;
  /** Every messages.send that reached the fake with a valid token, repeats included. */
  sendRequests(): Record<string, string>[];
  /** VK names no wait with error 6, so `retryAfterSec` is not part of its answer. */
  rateLimitNext(retryAfterSec: number): void;
  /** The next messages.send gets an error page, or its connection is dropped unanswered. */
  failNext(how?: 'http-500' | 'drop'): void;
  /** The next messages.send is refused with this VK error. */
  refuseNext(code: number, message: string): void;
}

export async function startFakeVk(options: { token: string; groupId: number }): Promise<FakeVk> {
  const deliveries: FakeDelivery[] = [];
  const sendRequests: Record<string, string>[] = [];
  const failures: Failure[] = [];
  const uploads = new Map<string, UploadedFile>();
  /** `photo-1_2`/`doc-1_3` → the file behind it, as messages.send's `attachment` names them. */
  const saved = new Map<string, UploadedFile>();
  /** VK answers a repeated random_id with the first message's id and delivers nothing. */
  const sentByRandomId = new Map<string, number>();
  let nextId = 100;
  let baseUrl = '';

  const ownerId = -options.groupId;
  const save = (type: 'photo' | 'doc', file: UploadedFile) => {
    const id = nextId++;
    saved.set(`${type}${ownerId}_${id}`, file);
    return { id, owner_id: ownerId, access_key: randomBytes(9).toString('hex') };
  };
  const uploadedFile = (token: string | undefined): UploadedFile => {
    const file = token === undefined ? undefined : uploads.get(token);
    if (!file) throw new VkError(100, 'One of the parameters specified was missing or invalid');
    return file;
  };

  const methods: Record<string, (params: Record<string, string>) => unknown> = {
    'messages.send': (params) => {
      sendRequests.push(params);
      const peer = params.peer_id;
      if (!peer || !params.random_id) {
        throw new VkError(100, 'One of the parameters specified was missing or invalid');
      }
      const dedupeKey = `${peer}:${params.random_id}`;
      const earlier = sentByRandomId.get(dedupeKey);
      if (params.random_id !== '0' && earlier !== undefined) return earlier;
      const files = (params.attachment ?? '')
        .split(',')
        .filter(Boolean)
        .map((attachment) => saved.get(withoutAccessKey(attachment))?.name ?? attachment);
      deliveries.push({
        chatId: peer,
        ...(params.message ? { text: params.message } : {}),
        ...(files.length > 0 ? { file: files.join(',') } : {}),
      });
      const id = nextId++;
      sentByRandomId.set(dedupeKey, id);
      return id;
    },
    'photos.getMessagesUploadServer': () => ({
      upload_url: `${baseUrl}/upload/photo`,
      album_id: -64,
      group_id: options.groupId,
    }),
    'photos.saveMessagesPhoto': (params) => {
      const [uploaded] = JSON.parse(params.photo ?? '[]') as { photo?: string }[];
      const file = uploadedFile(uploaded?.photo);
      return [
        {
          ...save('photo', file),
          album_id: -64,
          date: Math.floor(Date.now() / 1000),
          sizes: [{ type: 'x', width: 604, height: 453, url: `${baseUrl}/files/${file.name}` }],
          text: '',
        },
      ];
    },
    'docs.getMessagesUploadServer': () => ({ upload_url: `${baseUrl}/upload/doc` }),
    'docs.save': (params) => {
      const file = uploadedFile(params.file);
      const title = params.title ?? file.name;
      return {
        type: 'doc',
        doc: {
          ...save('doc', { ...file, name: title }),
          title,
          size: file.size,
          ext: title.split('.').pop() ?? '',
          date: Math.floor(Date.now() / 1000),
          type: 1,
          url: `${baseUrl}/files/${title}`,
        },
      };
    },
  };

  const callMethod = (method: string, params: Record<string, string>) => {
    if (params.access_token !== options.token) {
      throw new VkError(5, 'User authorization failed: invalid access_token (4).');
    }
    const handler = methods[method];
    if (!handler) throw new VkError(3, 'Unknown method passed');
    return handler(params);
  };

  const server = await startLoopbackServer(async (request, body, response) => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    // Attachments' plain URLs, as VK's CDN serves them (what fetchFile downloads).
    if (request.method === 'GET' && path.startsWith('/files/')) {
      const name = decodeURIComponent(path.slice('/files/'.length));
      response.setHeader('content-type', name.endsWith('.jpg') ? 'image/jpeg' : 'application/pdf');
      return void response.end(fileBytes(name));
    }
    if (path.startsWith('/upload/')) {
      const field = path === '/upload/photo' ? 'photo' : 'file';
      const token = await receiveUpload(request, body, field, uploads);
      // A photo upload answers with a JSON string that photos.saveMessagesPhoto takes back as is.
      const answer =
        field === 'photo'
          ? { server: 1, photo: JSON.stringify([{ photo: token }]), hash: token.slice(0, 8) }
          : { file: token };
      return json(response, answer);
    }
    const method = path.replace(/^\/method\//, '');
    const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const failure = method === 'messages.send' ? failures.shift() : undefined;
    if (failure?.kind === 'drop') return void request.socket.destroy();
    if (failure?.kind === 'http-500') {
      response.statusCode = 500;
      return void response.end('<html><body>502 Bad Gateway</body></html>');
    }
    if (failure?.kind === 'api-error') {
      sendRequests.push(params);
      return json(response, vkError(failure.code, failure.message, method));
    }
    try {
      json(response, { response: callMethod(method, params) });
    } catch (error) {
      if (!(error instanceof VkError)) throw error;
      json(response, vkError(error.code, error.message, method));
    }
  });
  baseUrl = server.url;

  return {
    apiBaseUrl: `${server.url}/method`,
    token: options.token,
    groupId: options.groupId,
    deliveries: () => [...deliveries],
    customerFile: () => ({
      fileRef: `${server.url}/files/damage.jpg`,
      data: fileBytes('damage.jpg'),
      mimeType: 'image/jpeg',
    }),
    sendRequests: () => [...sendRequests],
    rateLimitNext: () => {
      failures.push({ kind: 'api-error', code: 6, message: 'Too many requests per second' });
    },
    failNext: (how = 'http-500') => {
      failures.push({ kind: how });
    },
    refuseNext: (code, message) => {
      failures.push({ kind: 'api-error', code, message });
    },
    close: () => server.close(),
  };
}

function fileBytes(name: string): Buffer {
  return Buffer.from(`bytes of ${name}`);
}

class VkError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function vkError(code: number, message: string, method: string) {
  return {
    error: {
      error_code: code,
      error_msg: message,
      request_params: [{ key: 'method', value: method }],
    },
  };
}

/** `doc-1_2_abc` (type, owner, id, access key) → `doc-1_2`. */
function withoutAccessKey(attachment: string): string {
  return /^[a-z_]+-?\d+_\d+/.exec(attachment)?.[0] ?? attachment;
}

function json(response: ServerResponse, body: unknown): void {
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}

/** Reads the multipart upload the way VK's upload servers do, and keeps the file's name. */
async function receiveUpload(
  request: IncomingMessage,
  body: Buffer,
  field: string,
  uploads: Map<string, UploadedFile>,
): Promise<string> {
  const form = await new Response(new Uint8Array(body), {
    headers: { 'content-type': request.headers['content-type'] ?? '' },
  }).formData();
  const file = form.get(field);
  if (file === null || typeof file === 'string')
    throw new Error(`no "${field}" file in the upload`);
  const token = randomBytes(16).toString('hex');
  uploads.set(token, { name: file.name, size: file.size });
  return token;
}
