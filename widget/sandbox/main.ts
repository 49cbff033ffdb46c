import { io, type Socket } from 'socket.io-client';
import { ChatView, type ChatStrings } from './chat-view';
import type {
  ChatEvent,
  ChatMessage,
  ChatTarget,
  ClientEvents,
  ServerEvents,
  Snapshot,
  StepId,
} from './protocol';
import { STEPS } from './protocol';
import { el } from './render';

declare global {
  interface Window {
    __SANDBOX_STRINGS__: Record<string, unknown>;
  }
}

const strings = window.__SANDBOX_STRINGS__;
const lang = document.documentElement.lang;

/** A text of the page by its dotted key, `{{name}}` filled in; the key itself if missing. */
function t(key: string, values: Record<string, string> = {}): string {
  let node: unknown = strings;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  const template = typeof node === 'string' ? node : key;
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');
}

const socket: Socket<ServerEvents, ClientEvents> = io({ path: '/sandbox/socket.io' });
const chatStrings: ChatStrings = {
  placeholder: t('placeholder'),
  send: t('send'),
  menu: t('menu'),
  replyingTo: t('replyingTo'),
  edited: t('edited'),
  reply: t('reply'),
  ok: t('ok'),
  empty: t('empty'),
};

let snapshot: Snapshot | undefined;
let views: { view: ChatView; target: () => ChatTarget }[] = [];
const app = document.getElementById('app')!;

function chatOf(view: ChatView, target: () => ChatTarget): ChatView {
  views.push({ view, target });
  return view;
}

function makeView(
  service: ChatMessage['service'],
  chatId: string,
  name: string,
  target: () => ChatTarget,
) {
  const empty =
    name === 'staff' ? t('emptyStaff') : name === 'group' ? t('emptyGroup') : t('empty');
  const view: ChatView = new ChatView(
    service,
    chatId,
    name,
    { ...chatStrings, empty },
    {
      say: (text, replyTo) => socket.emit('say', target(), text, replyTo),
      press: (message, button) => {
        if (button.callbackData) socket.emit('press', target(), message.id, button.callbackData);
      },
    },
  );
  return chatOf(view, target);
}

function fill(view: ChatView, chatId: string): void {
  if (!snapshot) return;
  const messages = snapshot.messages.filter(
    (m) => m.service === view.service && m.chatId === chatId,
  );
  const commands =
    snapshot.commands.find((c) => c.service === view.service && c.chatId === chatId)?.commands ??
    snapshot.commands.find((c) => c.service === view.service && c.chatId === '*')?.commands ??
    [];
  view.show(chatId, messages, commands);
}

function select(part: string, options: [string, string][], onChange: (value: string) => void) {
  const box = el('select', { 'data-part': part });
  for (const [value, label] of options) box.append(el('option', { value }, label));
  box.addEventListener('change', () => onChange(box.value));
  return box;
}

function render(state: Snapshot): void {
  snapshot = state;
  views = [];
  const person = () => staffPick.value;
  const staffView = makeView('manager', state.staff[0]!.chatId, 'staff', () => ({
    kind: 'staff',
    key: person(),
  }));
  const staffPick = select(
    'person',
    state.staff.map((p) => [p.key, `${p.name} · ${t(`roles.${p.label}`)}`]),
    (key) => fill(staffView, state.staff.find((p) => p.key === key)!.chatId),
  );
  const dispatcher = state.staff.find((p) => p.label === 'dispatcher');
  if (dispatcher) staffPick.value = dispatcher.key;
  fill(staffView, state.staff.find((p) => p.key === staffPick.value)!.chatId);

  const members = state.staff.filter((p) => state.group.members.includes(p.key));
  const asPick = select(
    'group-as',
    members.map((p) => [p.key, t('as', { name: p.name })]),
    () => undefined,
  );
  const groupView = makeView('manager', state.group.chatId, 'group', () => ({
    kind: 'group',
    as: asPick.value,
  }));
  fill(groupView, state.group.chatId);

  const services = { telegram: 'customer', vk: 'vk', viber: 'viber' } as const;
  const customerViews = state.customers.map((customer) => {
    const view = makeView(services[customer.channel], customer.chatId, customer.channel, () => ({
      kind: 'customer',
      channel: customer.channel,
    }));
    fill(view, customer.chatId);
    return {
      key: customer.channel as string,
      label: `${t(`channels.${customer.channel}`)}`,
      node: view.root,
    };
  });
  const widget = el('iframe', {
    src: `/widget/demo?lang=${lang}`,
    title: t('channels.widget'),
    'data-part': 'widget',
  });
  const widgetPane = el('div', { class: 'chat', 'data-chat': 'widget' }, widget);
  const panes = [
    ...customerViews,
    { key: 'widget', label: t('channels.widget'), node: widgetPane },
  ];
  const tabs = el('div', { 'data-part': 'tabs', role: 'tablist' });
  const choose = (key: string) => {
    for (const pane of panes) pane.node.toggleAttribute('hidden', pane.key !== key);
    for (const tab of tabs.children) {
      tab.setAttribute('aria-selected', String((tab as HTMLElement).dataset.tab === key));
    }
  };
  for (const pane of panes) {
    const tab = el('button', { type: 'button', role: 'tab', 'data-tab': pane.key }, pane.label);
    tab.addEventListener('click', () => choose(pane.key));
    tabs.append(tab);
  }

  const other = lang === 'ru' ? 'en' : 'ru';
  const reset = el('button', { type: 'button', 'data-part': 'reset' }, t('reset'));
  reset.addEventListener('click', () => {
    if (!window.confirm(t('resetConfirm'))) return;
    reset.textContent = t('resetting');
    socket.emit('reset');
  });
  app.replaceChildren(
    el(
      'header',
      {},
      el('h1', {}, t('title')),
      el('p', {}, t('subtitle')),
      el('span', { 'data-part': 'status' }),
      el('a', { href: `/sandbox?lang=${other}` }, other.toUpperCase()),
      reset,
    ),
    el('ol', { 'data-part': 'steps' }),
    el('p', { 'data-part': 'hint' }),
    el(
      'main',
      {},
      el(
        'section',
        { 'data-panel': 'staff' },
        el('h2', {}, t('staffTitle'), staffPick),
        staffView.root,
      ),
      el(
        'section',
        { 'data-panel': 'group' },
        el('h2', {}, t('groupTitle'), asPick),
        groupView.root,
      ),
      el(
        'section',
        { 'data-panel': 'customers' },
        el('h2', {}, t('customersTitle')),
        tabs,
        ...panes.map((pane) => pane.node),
      ),
    ),
  );
  choose('telegram');
  steps(state.done);
}

/** The checklist: each step's title, ticked when done; the next one's hint spelled out below. */
function steps(done: StepId[]): void {
  const list = app.querySelector('[data-part="steps"]');
  const hint = app.querySelector('[data-part="hint"]');
  if (!list || !hint) return;
  const next = STEPS.find((step) => !done.includes(step));
  list.replaceChildren(
    ...STEPS.map((step, index) =>
      el(
        'li',
        {
          'data-step': step,
          'data-done': String(done.includes(step)),
          'data-next': String(step === next),
          title: t(`steps.${step}.hint`),
        },
        `${index + 1}. ${t(`steps.${step}.title`)}`,
      ),
    ),
  );
  hint.textContent = next ? `→ ${t(`steps.${next}.hint`)}` : t('allDone');
}

function onChat(event: ChatEvent): void {
  if (event.type === 'message' || event.type === 'edit') {
    snapshot?.messages.push(event.message);
    for (const { view } of views) {
      if (view.accepts(event.message.service, event.message.chatId)) view.upsert(event.message);
    }
    return;
  }
  for (const { view } of views) {
    if (
      !view.accepts(event.service, event.chatId) &&
      !(event.type === 'commands' && event.chatId === '*')
    ) {
      continue;
    }
    if (event.type === 'delete') view.remove(event.id);
    if (event.type === 'alert') view.alert(event.text, event.showAlert);
    if (event.type === 'commands' && view.service === event.service)
      view.setCommands(event.commands);
  }
  if (event.type === 'commands') {
    snapshot?.commands.push({
      service: event.service,
      chatId: event.chatId,
      commands: event.commands,
    });
  }
}

socket.on('snapshot', render);
socket.on('chat', onChat);
socket.on('steps', steps);
socket.on('problem', (text) => {
  const status = app.querySelector('[data-part="status"]');
  if (status) status.textContent = text;
});
socket.on('disconnect', (reason) => {
  const status = app.querySelector('[data-part="status"]');
  if (status) status.textContent = t('disconnected');
  // The sandbox lets pages go while it starts over; they come back to the new hub by themselves.
  if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 500);
});
socket.on('connect', () => {
  const status = app.querySelector('[data-part="status"]');
  if (status) status.textContent = '';
});
