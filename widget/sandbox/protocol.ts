/**
 * What the sandbox page and the hub's sandbox say to each other over socket.io. Shared by the
 * page's script and the server, so both sides agree on every field.
 */

/** Which of the sandbox's chat services a chat belongs to. */
export type ChatService = 'manager' | 'customer' | 'vk' | 'viber';

export interface InlineButton {
  text: string;
  callbackData?: string;
  url?: string;
}

export interface ChatFile {
  kind: 'photo' | 'document';
  name: string;
  /** Where the page fetches it: a stand-in's own store or the hub's signed link. */
  url: string;
}

/** One message as the page draws it: what a Telegram client would show, nothing more. */
export interface ChatMessage {
  service: ChatService;
  chatId: string;
  id: number;
  /** `bot`: the hub wrote it; `user`: someone on the page did. */
  from: 'bot' | 'user';
  author?: string;
  text?: string;
  entities?: unknown[];
  file?: ChatFile;
  replyTo?: number;
  buttons?: InlineButton[][];
  /** The bot asked for an answer (ForceReply): a Telegram client starts a reply to it. */
  forceReply?: boolean;
  edited?: boolean;
  at: number;
}

export interface ChatCommand {
  command: string;
  description: string;
}

/** What the page hears about, as it happens. */
export type ChatEvent =
  | { type: 'message'; message: ChatMessage }
  | { type: 'edit'; message: ChatMessage }
  | { type: 'delete'; service: ChatService; chatId: string; id: number }
  | { type: 'alert'; service: ChatService; chatId: string; text: string; showAlert: boolean }
  | { type: 'commands'; service: ChatService; chatId: string; commands: ChatCommand[] };

/** A chat on the page: a staff member's bot chat, the heads' group, or a customer's. */
export type ChatTarget =
  | { kind: 'staff'; key: string }
  | { kind: 'group'; as: string }
  | { kind: 'customer'; channel: 'telegram' | 'vk' | 'viber' };

export interface PersonView {
  key: string;
  name: string;
  label: string;
  chatId: string;
}

export type StepId = 'write' | 'dispatch' | 'reply' | 'complete' | 'handOff' | 'problem' | 'alert';
export const STEPS: readonly StepId[] = [
  'write',
  'dispatch',
  'reply',
  'complete',
  'handOff',
  'problem',
  'alert',
];

export interface Snapshot {
  staff: PersonView[];
  group: { chatId: string; title: string; members: string[] };
  customers: { channel: 'telegram' | 'vk' | 'viber'; name: string; chatId: string }[];
  messages: ChatMessage[];
  commands: { service: ChatService; chatId: string; commands: ChatCommand[] }[];
  done: StepId[];
}

/** Page → hub. */
export interface ClientEvents {
  say(target: ChatTarget, text: string, replyTo?: number): void;
  press(target: ChatTarget, messageId: number, data: string): void;
  reset(): void;
}

/** Hub → page. */
export interface ServerEvents {
  snapshot(snapshot: Snapshot): void;
  chat(event: ChatEvent): void;
  steps(done: StepId[]): void;
  problem(text: string): void;
}
