import { EventEmitter } from 'node:events';
import type {
  ChatCommand,
  ChatEvent,
  ChatMessage,
  ChatService,
} from '../../../widget/sandbox/protocol';

export type {
  ChatFile,
  ChatMessage,
  ChatService,
  InlineButton,
  ChatCommand,
} from '../../../widget/sandbox/protocol';

const key = (service: ChatService, chatId: string) => `${service}:${chatId}`;

/**
 * Every chat of the sandbox in memory: what the hub sent through the stand-ins and what people
 * typed on the page. It is a demo's record, so it starts empty with each sandbox and each reset.
 */
export class ChatLog {
  private readonly chats = new Map<string, ChatMessage[]>();
  private readonly menus = new Map<string, ChatCommand[]>();
  private readonly events = new EventEmitter();
  private nextId = 1;

  newId(): number {
    return this.nextId++;
  }

  add(message: Omit<ChatMessage, 'id' | 'at'> & { id?: number }): ChatMessage {
    const stored: ChatMessage = { ...message, id: message.id ?? this.newId(), at: Date.now() };
    const chat = this.chats.get(key(stored.service, stored.chatId)) ?? [];
    chat.push(stored);
    this.chats.set(key(stored.service, stored.chatId), chat);
    this.emit({ type: 'message', message: stored });
    return stored;
  }

  find(service: ChatService, chatId: string, id: number): ChatMessage | undefined {
    return this.chats.get(key(service, chatId))?.find((message) => message.id === id);
  }

  edit(
    service: ChatService,
    chatId: string,
    id: number,
    change: Pick<ChatMessage, 'text' | 'entities' | 'buttons'>,
  ): ChatMessage | undefined {
    const message = this.find(service, chatId, id);
    if (!message) return undefined;
    Object.assign(message, change, { edited: message.edited || change.text !== undefined });
    this.emit({ type: 'edit', message });
    return message;
  }

  remove(service: ChatService, chatId: string, id: number): boolean {
    const chat = this.chats.get(key(service, chatId));
    const index = chat?.findIndex((message) => message.id === id) ?? -1;
    if (!chat || index < 0) return false;
    chat.splice(index, 1);
    this.emit({ type: 'delete', service, chatId, id });
    return true;
  }

  setCommands(service: ChatService, chatId: string, commands: ChatCommand[]): void {
    this.menus.set(key(service, chatId), commands);
    this.emit({ type: 'commands', service, chatId, commands });
  }

  alert(service: ChatService, chatId: string, text: string, showAlert: boolean): void {
    this.emit({ type: 'alert', service, chatId, text, showAlert });
  }

  history(service: ChatService, chatId: string): ChatMessage[] {
    return [...(this.chats.get(key(service, chatId)) ?? [])];
  }

  /** A person's own menu, else the bot's default one (`*`). */
  commands(service: ChatService, chatId: string): ChatCommand[] {
    return this.menus.get(key(service, chatId)) ?? this.menus.get(key(service, '*')) ?? [];
  }

  /** Forgets everything; `keepMenus` leaves the bots' command menus as they were set. */
  clear(options: { keepMenus?: boolean } = {}): void {
    this.chats.clear();
    if (!options.keepMenus) this.menus.clear();
  }

  on(listener: (event: ChatEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  private emit(event: ChatEvent): void {
    this.events.emit('event', event);
  }
}
