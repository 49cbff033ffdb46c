import type { ChatFile, ChatItem } from '../../channels/widget/protocol';
import { h } from './dom';
import { fill, type WidgetStrings } from './strings';

/** A message as the page shows it: the visitor's own ones also carry how far they got. */
export interface ShownItem extends ChatItem {
  status?: 'sending' | 'sent' | 'read' | 'failed';
}

export function bubble(item: ShownItem, strings: WidgetStrings, onRetry: () => void): HTMLElement {
  const element = h('div', {
    class: `bubble ${item.direction}${item.status === 'failed' ? ' failed' : ''}`,
    'data-part': 'message',
    'data-id': item.id,
    'data-direction': item.direction,
  });
  if (item.text) element.append(h('div', { class: 'text' }, [item.text]));
  for (const file of item.attachments) element.append(fileLink(file, strings));
  const meta = metaText(item, strings);
  if (meta) element.append(h('div', { class: 'meta', 'data-part': 'status' }, [meta]));
  if (item.status === 'failed') element.addEventListener('click', onRetry);
  return element;
}

function fileLink(file: ChatFile, strings: WidgetStrings): HTMLElement {
  const link = h('a', {
    class: 'file',
    href: file.url,
    target: '_blank',
    rel: 'noopener',
    'data-part': 'file',
  });
  // A file we are still uploading has no link yet.
  if (!file.url) link.removeAttribute('href');
  if (file.mimeType?.startsWith('image/') && file.url) {
    link.append(h('img', { src: file.url, alt: file.name, loading: 'lazy' }));
  } else {
    link.append(`📎 ${file.name}${file.size ? ` · ${sizeText(file.size, strings)}` : ''}`);
  }
  return link;
}

function metaText(item: ShownItem, strings: WidgetStrings): string {
  const time = new Date(item.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (item.direction === 'outbound') return time;
  switch (item.status) {
    case 'sending':
      return strings.sending;
    case 'failed':
      return strings.failed;
    case 'read':
      return `${time} ✓✓ ${strings.read}`;
    default:
      return `${time} ✓ ${strings.sent}`;
  }
}

function sizeText(bytes: number, strings: WidgetStrings): string {
  const kb = bytes / 1024;
  return kb < 1024
    ? fill(strings.sizeKb, { size: Math.max(1, Math.round(kb)) })
    : fill(strings.sizeMb, { size: (kb / 1024).toFixed(1) });
}
