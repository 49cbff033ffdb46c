import { io, type Socket } from 'socket.io-client';
import type {
  ChatItem,
  ClientEvents,
  HelloReply,
  MessageRequest,
  PrechatField,
  ServerEvents,
  UploadedFile,
} from '../../channels/widget/protocol';
import type { ShownItem } from './bubbles';
import type { WidgetSettings } from './settings';
import { visitorStorage } from './storage';
import { fill, type WidgetStrings } from './strings';
import { mountView } from './view';

const ACK_TIMEOUT_MS = 20_000;
const TYPING_EVERY_MS = 3000;

/** The chat's state and its conversation with the hub; the view only draws what it is told. */
export function startChat(settings: WidgetSettings, strings: WidgetStrings): void {
  const storage = visitorStorage(settings.siteKey);
  const socket: Socket<ServerEvents, ClientEvents> = io(settings.hub);
  /** Sent but not yet confirmed as stored; resent after every reconnect until it is. */
  const pending = new Map<string, MessageRequest>();
  let items: ShownItem[] = [];
  let ready = false;
  let maxFileBytes = Number.POSITIVE_INFINITY;
  let unread = 0;
  let typingSentAt = 0;

  const view = mountView(settings, strings, {
    onOpen: () => markSeen(),
    onSend: (text) => submit({ text }),
    onFiles: (files) => void attachFiles(files),
    onTyping() {
      if (!ready || Date.now() - typingSentAt < TYPING_EVERY_MS) return;
      typingSentAt = Date.now();
      socket.emit('typing');
    },
    onRetry(id) {
      const request = pending.get(id);
      if (!request) return;
      setStatus(id, 'sending');
      transmit(request);
    },
    onPrechat(prechat) {
      storage.savePrechat(prechat);
      view.askPrechat(undefined);
    },
  });

  const render = () => view.showItems(items);
  const upsert = (item: ShownItem) => {
    const index = items.findIndex((existing) => existing.id === item.id);
    if (index >= 0) items[index] = item;
    else items.push(item);
    render();
  };
  const setStatus = (id: string, status: ShownItem['status']) => {
    items = items.map((item) => (item.id === id ? { ...item, status } : item));
    render();
  };
  // An answer from the company means everything the visitor wrote before it was read.
  const markRead = (before = Number.POSITIVE_INFINITY) => {
    items = items.map((item, index) =>
      item.direction === 'inbound' && item.status === 'sent' && index < before
        ? { ...item, status: 'read' }
        : item,
    );
  };
  // `findLastIndex` is too new for the Safari versions still around.
  const lastAnswerIndex = () => {
    for (let index = items.length - 1; index >= 0; index--) {
      if (items[index]!.direction === 'outbound') return index;
    }
    return -1;
  };
  const fromHub = (item: ChatItem): ShownItem =>
    item.direction === 'inbound' ? { ...item, status: item.read ? 'read' : 'sent' } : item;

  const markSeen = () => {
    const last = items[lastAnswerIndex()];
    if (!view.isOpen() || document.hidden) return;
    unread = 0;
    view.setUnread(0);
    if (last && ready) socket.emit('seen', { upTo: last.id });
  };

  const transmit = (request: MessageRequest) => {
    if (!ready) return;
    socket.timeout(ACK_TIMEOUT_MS).emit('message', request, (error, reply) => {
      if (!pending.has(request.id)) return;
      if (error) return setStatus(request.id, 'failed');
      if (!reply.ok) {
        // Not yet introduced (a reconnect raced us): the next hello resends it.
        if (reply.error !== 'no_hello') setStatus(request.id, 'failed');
        return;
      }
      pending.delete(request.id);
      if (request.prechat) storage.savePrechat(undefined);
      upsert({ ...reply.item, status: 'sent' });
    });
  };

  const submit = (content: { text?: string; files?: UploadedFile[] }) => {
    const request: MessageRequest = {
      id: newId(),
      ...content,
      page: { url: location.href, referrer: document.referrer },
    };
    const prechat = storage.prechat();
    if (prechat) request.prechat = prechat;
    pending.set(request.id, request);
    upsert({
      id: request.id,
      direction: 'inbound',
      ...(content.text ? { text: content.text } : {}),
      attachments: (content.files ?? []).map((file) => ({
        name: file.name,
        url: '',
        size: file.data.byteLength,
      })),
      sentAt: new Date().toISOString(),
      status: 'sending',
    });
    transmit(request);
  };

  const attachFiles = async (files: File[]) => {
    view.toast(undefined);
    for (const file of files) {
      if (file.size > maxFileBytes) {
        view.toast(
          fill(strings.tooLarge, { name: file.name, size: Math.floor(maxFileBytes / 1048576) }),
        );
        continue;
      }
      const data = await file.arrayBuffer();
      submit({ files: [{ name: file.name, type: file.type, data }] });
    }
  };

  const introduced = (reply: HelloReply) => {
    if (!reply.ok) {
      view.toast(strings.unavailable);
      return;
    }
    storage.saveToken(reply.token);
    maxFileBytes = reply.maxFileBytes;
    items = reply.history.map(fromHub);
    markRead(lastAnswerIndex());
    for (const request of pending.values()) {
      if (!items.some((item) => item.id === request.id)) {
        items.push({
          id: request.id,
          direction: 'inbound',
          ...(request.text ? { text: request.text } : {}),
          attachments: (request.files ?? []).map((file) => ({ name: file.name, url: '' })),
          sentAt: new Date().toISOString(),
          status: 'sending',
        });
      }
    }
    view.setOnline(reply.online);
    view.askPrechat(needsPrechat(reply.prechatFields) ? reply.prechatFields : undefined);
    ready = true;
    render();
    for (const request of pending.values()) transmit(request);
    markSeen();
  };

  const needsPrechat = (fields: PrechatField[]) =>
    fields.length > 0 &&
    !storage.prechat() &&
    pending.size === 0 &&
    !items.some((item) => item.direction === 'inbound');

  socket.on('connect', () => {
    view.setConnected(true);
    socket.emit('hello', { siteKey: settings.siteKey, token: storage.token() }, introduced);
  });
  socket.on('disconnect', () => {
    ready = false;
    view.setConnected(false);
  });
  socket.on('message', (item, received) => {
    received();
    upsert(fromHub(item));
    if (item.direction !== 'outbound') return;
    markRead(items.length - 1);
    render();
    if (view.isOpen() && !document.hidden) markSeen();
    else view.setUnread(++unread);
  });
  socket.on('typing', () => view.showTyping());
  socket.on('read', () => {
    markRead();
    render();
  });
  document.addEventListener('visibilitychange', markSeen);
}

/** Unique per visitor; `crypto.randomUUID` is missing on plain-http sites, so build one. */
function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
