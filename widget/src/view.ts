import type { Prechat, PrechatField } from '../../channels/widget/protocol';
import { bubble, type ShownItem } from './bubbles';
import { h, icon, ICONS } from './dom';
import { prechatForm } from './prechat-form';
import type { WidgetSettings } from './settings';
import type { WidgetStrings } from './strings';
import { STYLES } from './styles';

const TYPING_SHOWN_MS = 6000;

export interface ViewHandlers {
  onOpen(): void;
  onSend(text: string): void;
  onFiles(files: File[]): void;
  onTyping(): void;
  onRetry(id: string): void;
  onPrechat(prechat: Prechat): void;
}

export interface WidgetView {
  isOpen(): boolean;
  showItems(items: ShownItem[]): void;
  setOnline(online: boolean): void;
  /** Shows the pre-chat form instead of the composer; `undefined` shows the composer. */
  askPrechat(fields: PrechatField[] | undefined): void;
  showTyping(): void;
  setConnected(connected: boolean): void;
  /** A short problem line above the composer; `undefined` clears it. */
  toast(text: string | undefined): void;
  setUnread(count: number): void;
}

/** The launcher and the chat panel, drawn in a shadow root so the site's styles cannot reach in. */
export function mountView(
  settings: WidgetSettings,
  strings: WidgetStrings,
  handlers: ViewHandlers,
): WidgetView {
  const host = h('div', { id: 'linehub-widget' });
  document.body.append(host);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = h('style', {}, [STYLES]);

  const badge = h('span', { class: 'badge', hidden: true, 'data-part': 'unread' });
  const launcher = h(
    'button',
    { class: 'launcher', type: 'button', 'aria-label': strings.open, 'data-part': 'launcher' },
    [icon(ICONS.chat), badge],
  );
  const status = h('div', { class: 'status', 'data-part': 'online' });
  const close = h('button', { class: 'close', type: 'button', 'aria-label': strings.close }, ['×']);
  const header = h('header', {}, [
    h('div', { class: 'titles' }, [h('h2', {}, [settings.title ?? strings.title]), status]),
    close,
  ]);
  const notice = h('div', { class: 'notice', hidden: true, 'data-part': 'offline' }, [
    strings.offline,
  ]);
  const greeting = h('div', { class: 'bubble outbound', 'data-part': 'greeting' }, [
    settings.greeting ?? strings.greeting,
  ]);
  const messages = h('div', { class: 'messages' });
  const list = h('div', { class: 'list', role: 'log', 'aria-live': 'polite' }, [
    greeting,
    messages,
  ]);
  messages.style.display = 'contents';
  const typing = h('div', { class: 'typing', hidden: true, 'data-part': 'typing' }, [
    strings.typing,
  ]);
  const toastLine = h('div', { class: 'toast', hidden: true, 'data-part': 'toast' });
  const composer = composerForm(strings, handlers);
  const prechatSlot = h('div');
  const panel = h('div', { class: 'panel', hidden: true, role: 'dialog', 'data-part': 'panel' }, [
    header,
    notice,
    list,
    typing,
    toastLine,
    prechatSlot,
    composer,
  ]);
  const root = h('div', { class: `lh ${settings.position}` }, [panel, launcher]);
  if (settings.color) root.style.setProperty('--accent', settings.color);
  shadow.append(style, root);

  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    launcher.setAttribute('aria-label', open ? strings.close : strings.open);
    if (open) {
      list.scrollTop = list.scrollHeight;
      handlers.onOpen();
    }
  };
  launcher.addEventListener('click', () => setOpen(panel.hidden));
  close.addEventListener('click', () => setOpen(false));

  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let online = false;
  let connected = true;
  const showStatus = () => {
    status.textContent = connected ? (online ? strings.online : '') : strings.reconnecting;
    status.classList.toggle('on', connected && online);
    notice.hidden = online || !connected;
  };

  return {
    isOpen: () => !panel.hidden,
    showItems(items) {
      const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      messages.replaceChildren(
        ...items.map((item) => bubble(item, strings, () => handlers.onRetry(item.id))),
      );
      if (atBottom || items.at(-1)?.direction === 'inbound') list.scrollTop = list.scrollHeight;
    },
    setOnline(value) {
      online = value;
      showStatus();
    },
    askPrechat(fields) {
      prechatSlot.replaceChildren(
        ...(fields ? [prechatForm(fields, strings, handlers.onPrechat)] : []),
      );
      composer.hidden = !!fields;
    },
    showTyping() {
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => (typing.hidden = true), TYPING_SHOWN_MS);
    },
    setConnected(value) {
      connected = value;
      showStatus();
    },
    toast(text) {
      toastLine.hidden = !text;
      toastLine.textContent = text ?? '';
    },
    setUnread(count) {
      badge.hidden = count === 0;
      badge.textContent = String(count);
    },
  };
}

function composerForm(strings: WidgetStrings, handlers: ViewHandlers): HTMLFormElement {
  const text = h('textarea', {
    rows: '1',
    placeholder: strings.placeholder,
    'aria-label': strings.placeholder,
    'data-part': 'text',
  });
  const fileInput = h('input', { type: 'file', multiple: true, hidden: true, 'data-part': 'file' });
  const attach = h(
    'button',
    { class: 'icon', type: 'button', 'aria-label': strings.attach, title: strings.attach },
    [icon(ICONS.attach)],
  );
  const send = h(
    'button',
    { class: 'icon send', type: 'submit', 'aria-label': strings.send, 'data-part': 'send' },
    [icon(ICONS.send)],
  );
  const form = h('form', { class: 'composer', 'data-part': 'composer' }, [
    attach,
    fileInput,
    text,
    send,
  ]);
  const submit = () => {
    const value = text.value.trim();
    if (!value) return;
    text.value = '';
    handlers.onSend(value);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  // Enter sends, Shift+Enter starts a new line, as in every messenger.
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  text.addEventListener('input', () => handlers.onTyping());
  attach.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const files = Array.from(fileInput.files ?? []);
    fileInput.value = '';
    if (files.length > 0) handlers.onFiles(files);
  });
  return form;
}
