import type { ChatCommand, ChatMessage, ChatService, InlineButton } from './protocol';
import { el, messageElement } from './render';

export interface ChatStrings {
  placeholder: string;
  send: string;
  menu: string;
  replyingTo: string;
  edited: string;
  reply: string;
  ok: string;
  empty: string;
}

/**
 * One chat as a Telegram client shows it: the messages, an inline keyboard under a bot message,
 * the bot's command menu, replying to a message (started by itself when the bot asks for an
 * answer), and the bot's alerts over the chat.
 */
export class ChatView {
  readonly root: HTMLElement;
  private readonly log: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly replying: HTMLElement;
  private readonly menu: HTMLElement;
  private readonly menuButton: HTMLButtonElement;
  private readonly messages = new Map<number, ChatMessage>();
  private replyTo: number | undefined;

  constructor(
    readonly service: ChatService,
    public chatId: string,
    name: string,
    private readonly strings: ChatStrings,
    private readonly actions: {
      say(text: string, replyTo?: number): void;
      press(message: ChatMessage, button: InlineButton): void;
    },
  ) {
    this.log = el('div', { class: 'log', 'data-part': 'log' });
    this.input = el('input', {
      'data-part': 'input',
      placeholder: strings.placeholder,
      autocomplete: 'off',
      enterkeyhint: 'send',
    });
    this.replying = el('div', { class: 'replying', 'data-part': 'replying', hidden: '' });
    this.menu = el('div', { class: 'commands', 'data-part': 'commands', hidden: '' });
    this.menuButton = el(
      'button',
      { type: 'button', class: 'menu', 'data-part': 'menu', hidden: '' },
      strings.menu,
    );
    this.menuButton.addEventListener('click', () => this.menu.toggleAttribute('hidden'));
    const form = el(
      'form',
      { class: 'composer' },
      this.replying,
      this.menu,
      el(
        'div',
        { class: 'row' },
        this.menuButton,
        this.input,
        el('button', { type: 'submit', 'data-part': 'send' }, strings.send),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send(this.input.value);
    });
    this.root = el('div', { class: 'chat', 'data-chat': name }, this.log, form);
    this.redraw();
  }

  /** Shows another chat in this view (another person picked from the list). */
  show(chatId: string, messages: ChatMessage[], commands: ChatCommand[]): void {
    this.chatId = chatId;
    this.messages.clear();
    for (const message of messages) this.messages.set(message.id, message);
    this.setReply(undefined);
    this.setCommands(commands);
    this.redraw();
  }

  accepts(service: ChatService, chatId: string): boolean {
    return service === this.service && chatId === this.chatId;
  }

  upsert(message: ChatMessage): void {
    const isNew = !this.messages.has(message.id);
    this.messages.set(message.id, message);
    this.redraw();
    // Telegram starts the reply a ForceReply asks for.
    if (isNew && message.forceReply) this.setReply(message);
  }

  remove(id: number): void {
    this.messages.delete(id);
    this.redraw();
  }

  setCommands(commands: ChatCommand[]): void {
    this.menu.replaceChildren(
      ...commands.map((command) => {
        const button = el(
          'button',
          { type: 'button', title: command.description },
          `/${command.command}`,
        );
        button.addEventListener('click', () => {
          this.menu.setAttribute('hidden', '');
          this.send(`/${command.command}`);
        });
        return button;
      }),
    );
    this.menuButton.toggleAttribute('hidden', commands.length === 0);
  }

  alert(text: string, modal: boolean): void {
    const toast = el('div', { class: 'toast', 'data-part': 'alert', role: 'alert' }, text);
    const section = this.root.closest('section') ?? this.root;
    if (modal) {
      const ok = el('button', { type: 'button' }, this.strings.ok);
      ok.addEventListener('click', () => toast.remove());
      toast.append(ok);
    } else {
      setTimeout(() => toast.remove(), 2500);
    }
    section.append(toast);
  }

  private send(raw: string): void {
    const text = raw.trim();
    if (!text) return;
    this.actions.say(text, this.replyTo);
    this.input.value = '';
    this.setReply(undefined);
  }

  private setReply(message: ChatMessage | undefined): void {
    this.replyTo = message?.id;
    if (!message) {
      this.replying.setAttribute('hidden', '');
      this.replying.replaceChildren();
      return;
    }
    const cancel = el('button', { type: 'button', 'aria-label': '×' }, '×');
    cancel.addEventListener('click', () => this.setReply(undefined));
    this.replying.replaceChildren(
      el('span', {}, `${this.strings.replyingTo}: ${message.text ?? message.file?.name ?? ''}`),
      cancel,
    );
    this.replying.removeAttribute('hidden');
    this.input.focus();
  }

  private redraw(): void {
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    const sorted = [...this.messages.values()].sort((a, b) => a.id - b.id);
    if (sorted.length === 0) {
      this.log.replaceChildren(el('p', { class: 'empty' }, this.strings.empty));
      return;
    }
    this.log.replaceChildren(
      ...sorted.map((message) =>
        messageElement(message, {
          press: (m, button) => this.actions.press(m, button),
          reply: (m) => this.setReply(m),
          quoteOf: (id) => {
            const quoted = this.messages.get(id);
            return quoted?.text ?? quoted?.file?.name;
          },
          strings: { edited: this.strings.edited, reply: this.strings.reply },
        }),
      ),
    );
    if (atBottom || sorted.length < 3) this.log.scrollTop = this.log.scrollHeight;
  }
}
