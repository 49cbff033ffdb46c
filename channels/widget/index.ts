export { createWidgetChannel, type WidgetChannel } from './widget.channel';
export type { WidgetChannelOptions } from './widget.options';
export type { WidgetHistoryItem } from './chat-items';
export { normalizeWidgetMessage, type WidgetInbound } from './normalize';
export type * from './protocol';
