import type { ChatMessage, InlineButton } from './protocol';

/** A Telegram message entity, as the Bot API describes one. */
interface Entity {
  type: string;
  offset: number;
  length: number;
  url?: string;
}

const TAGS: Record<string, string> = {
  bold: 'b',
  italic: 'i',
  underline: 'u',
  strikethrough: 's',
  code: 'code',
  pre: 'pre',
  spoiler: 'span',
  blockquote: 'blockquote',
};

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * Text with its entities as a Telegram client shows it: formatting and links, nothing run as
 * HTML. Offsets count UTF-16 code units, as JavaScript strings do. Nested entities are drawn as
 * the outer one only; the hub sends none.
 */
export function formatted(text: string, entities: unknown[] | undefined): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const list = ((entities ?? []) as Entity[])
    .filter((entity) => TAGS[entity.type] || entity.type === 'text_link' || entity.type === 'url')
    .sort((a, b) => a.offset - b.offset);
  let at = 0;
  for (const entity of list) {
    if (entity.offset < at) continue;
    fragment.append(text.slice(at, entity.offset));
    const inner = text.slice(entity.offset, entity.offset + entity.length);
    if (entity.type === 'text_link' || entity.type === 'url') {
      const href = entity.url ?? inner;
      fragment.append(
        /^https?:\/\//.test(href)
          ? el('a', { href, target: '_blank', rel: 'noopener' }, inner)
          : inner,
      );
    } else {
      fragment.append(el(TAGS[entity.type] as 'b', {}, inner));
    }
    at = entity.offset + entity.length;
  }
  fragment.append(text.slice(at));
  return fragment;
}

export interface MessageActions {
  press(message: ChatMessage, button: InlineButton): void;
  reply(message: ChatMessage): void;
  quoteOf(id: number): string | undefined;
  strings: { edited: string; reply: string };
}

/** One message bubble: who, the quoted message, a photo or document, text, buttons, "edited". */
export function messageElement(message: ChatMessage, actions: MessageActions): HTMLElement {
  const bubble = el('div', {
    class: 'msg',
    'data-part': 'message',
    'data-from': message.from,
    'data-id': String(message.id),
  });
  // As in Telegram, only a group shows who wrote (group chats have negative ids).
  if (message.author && message.from === 'user' && message.chatId.startsWith('-')) {
    bubble.append(el('span', { class: 'author' }, message.author));
  }
  if (message.replyTo !== undefined) {
    const quote = actions.quoteOf(message.replyTo);
    if (quote) bubble.append(el('span', { class: 'quote' }, quote));
  }
  if (message.file?.kind === 'photo') {
    bubble.append(el('img', { src: message.file.url, alt: message.file.name, loading: 'lazy' }));
  } else if (message.file) {
    bubble.append(
      el(
        'a',
        { class: 'file', href: message.file.url, target: '_blank', rel: 'noopener' },
        `📄 ${message.file.name}`,
      ),
    );
  }
  if (message.text) {
    bubble.append(el('span', { 'data-part': 'text' }, formatted(message.text, message.entities)));
  }
  const rows = message.buttons ?? [];
  if (rows.length > 0) {
    const keyboard = el('div', { class: 'keyboard' });
    for (const row of rows) {
      const line = el('div');
      for (const button of row) {
        const press = el('button', { type: 'button', 'data-part': 'button' }, button.text);
        if (button.url) {
          press.addEventListener('click', () => window.open(button.url, '_blank', 'noopener'));
        } else {
          press.addEventListener('click', () => actions.press(message, button));
        }
        line.append(press);
      }
      keyboard.append(line);
    }
    bubble.append(keyboard);
  }
  const meta = el('span', { class: 'meta' });
  if (message.edited) meta.append(actions.strings.edited, ' ');
  meta.append(clock(new Date(message.at)));
  if (message.from === 'bot') {
    const reply = el('button', { type: 'button', 'data-part': 'reply' }, actions.strings.reply);
    reply.addEventListener('click', () => actions.reply(message));
    meta.append(reply);
  }
  bubble.append(meta);
  return bubble;
}

/** 24-hour time, as Telegram shows it in both languages; no reliance on the browser's locales. */
function clock(at: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
