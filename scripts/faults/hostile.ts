/**
 * 1,000 hostile payloads spread over every endpoint and the widget socket: wrong types, huge and
 * deeply nested values, `$` operators, script tags, broken UTF-8, wrong content types, broken
 * JSON. None may get a 5xx or no answer (a messenger redelivers those forever), crash the hub,
 * store a message under a garbage id, or pass for staff (`from.id: {"$ne": 0}`).
 * (Over 300 lines on purpose: one measuring tool read top to bottom, as its README describes.)
 */
import { createHmac } from 'node:crypto';
import { io } from 'socket.io-client';
import { DISPATCHER_TELEGRAM_ID } from '../bench/database';
import { WEBHOOK_SECRET } from '../bench/webhook-client';
import { API_TOKEN, FORM_KEY, VIBER_TOKEN, VK_GROUP_ID, VK_SECRET, WIDGET_KEY } from './hub';
import { outcomeClass } from './traffic';
import { emptyRow, tail, type Row, type World } from './world';

const TOTAL = 1000;
const STRANGER = 888;
const FORGED_CHAT = 777_001;
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface Endpoint {
  name: string;
  method: 'POST' | 'PATCH';
  path: string;
  headers: (body: Buffer) => Record<string, string>;
  base: (i: number) => { [key: string]: Json };
  /** Leaves a mutation may replace, as paths into `base`. */
  leaves: string[][];
}

const telegramMessage = (i: number, from: number) => ({
  update_id: 900_000 + i,
  message: {
    message_id: i,
    from: { id: from, is_bot: false, first_name: 'Mallory' },
    chat: { id: from, type: 'private' },
    date: 1_700_000_000,
    text: `hostile ${i}`,
  },
});
const messageLeaves = [
  ['update_id'],
  ['message'],
  ['message', 'message_id'],
  ['message', 'from'],
  ['message', 'from', 'id'],
  ['message', 'chat', 'id'],
  ['message', 'date'],
  ['message', 'text'],
];
const secret = () => ({ 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET });
const LEAD = 'a'.repeat(24);

const ENDPOINTS: Endpoint[] = [
  {
    name: 'telegram customer',
    method: 'POST',
    path: '/webhooks/telegram/customer',
    headers: secret,
    base: (i) => telegramMessage(i, 600_000 + i),
    leaves: messageLeaves,
  },
  {
    name: 'telegram manager',
    method: 'POST',
    path: '/webhooks/telegram/manager',
    headers: secret,
    base: (i) => telegramMessage(i, STRANGER),
    leaves: messageLeaves,
  },
  {
    name: 'vk',
    method: 'POST',
    path: '/webhooks/vk',
    headers: () => ({}),
    base: (i) => ({
      type: 'message_new',
      event_id: `hostile-${i}`,
      v: '5.199',
      group_id: VK_GROUP_ID,
      secret: VK_SECRET,
      object: {
        message: { id: i, date: 1_700_000_000, peer_id: 5000 + i, from_id: 5000 + i, text: 'x' },
        client_info: {},
      },
    }),
    leaves: [['type'], ['object'], ['object', 'message', 'id'], ['object', 'message', 'from_id']],
  },
  {
    name: 'viber',
    method: 'POST',
    path: '/webhooks/viber',
    headers: (body) => ({
      'x-viber-content-signature': createHmac('sha256', VIBER_TOKEN).update(body).digest('hex'),
    }),
    base: (i) => ({
      event: 'message',
      timestamp: 1_700_000_000_000,
      message_token: 4_000_000 + i,
      sender: { id: `viber-${i}`, name: 'Mallory' },
      message: { type: 'text', text: 'x' },
    }),
    leaves: [['event'], ['message_token'], ['sender'], ['sender', 'id'], ['message', 'text']],
  },
  {
    name: 'forms',
    method: 'POST',
    path: `/api/forms/site?key=${FORM_KEY}`,
    headers: () => ({}),
    base: (i) => ({ name: 'Mallory', phone: `+7900${String(1_000_000 + i)}`, comment: 'x' }),
    leaves: [['name'], ['phone'], ['email'], ['comment'], ['utm_source']],
  },
  {
    name: 'calls',
    method: 'POST',
    path: '/api/calls',
    headers: () => ({ 'x-api-key': FORM_KEY }),
    base: (i) => ({ caller: `+7901${String(1_000_000 + i)}`, tracking_source: 'ads' }),
    leaves: [['caller'], ['tracking_source'], ['name']],
  },
  {
    name: 'records api',
    method: 'PATCH',
    path: `/api/records/lead/${LEAD}/fields`,
    headers: () => ({ authorization: `Bearer ${API_TOKEN}` }),
    base: () => ({ fields: { employees: 40 } }),
    leaves: [['fields'], ['fields', 'employees']],
  },
];

/**
 * Stands for 5,000 nested arrays: too deep for JSON.stringify's own stack, so the HTTP body gets
 * them as text (`serialize`) and the widget socket a shallower 200 levels.
 */
const DEEP = '__deeply_nested__';
const serialize = (value: Json) =>
  JSON.stringify(value).replaceAll(`"${DEEP}"`, `${'['.repeat(5000)}1${']'.repeat(5000)}`);

const deep = (depth: number): Json => {
  let value: Json = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

/** The hostile values a leaf is replaced by, in turn. */
const VALUES: Json[] = [
  123,
  [],
  {},
  null,
  true,
  { $ne: 0 },
  { $gt: '' },
  { $where: 'sleep(100)' },
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  'x'.repeat(200_000),
  DEEP,
  [1, '2', { $ne: null }],
];

function setAt(target: { [key: string]: Json }, path: string[], value: Json): void {
  let node: Json = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    const next: Json | undefined = node[key];
    if (next === undefined) node[key] = {};
    node = node[key]!;
  }
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) node[path.at(-1)!] = value;
}

/** Payload i for an endpoint: a mutated body, and the content type it is sent with. */
function payload(endpoint: Endpoint, i: number): { body: Buffer; contentType?: string } {
  const base = endpoint.base(i);
  const kind = Math.floor(i / ENDPOINTS.length) % 16;
  if (kind < VALUES.length) {
    setAt(base, endpoint.leaves[i % endpoint.leaves.length]!, VALUES[kind]!);
    return { body: Buffer.from(serialize(base)), contentType: 'application/json' };
  }
  const json = Buffer.from(serialize(base));
  switch (kind - VALUES.length) {
    case 0: // broken UTF-8 inside a string
      return {
        body: Buffer.concat([
          json.subarray(0, json.length - 3),
          Buffer.from([0xff, 0xfe, 0xc3]),
          json.subarray(json.length - 3),
        ]),
        contentType: 'application/json',
      };
    case 1: // the wrong content type, or none at all
      return i % 2 ? { body: json, contentType: 'text/plain' } : { body: json };
    case 2:
      return {
        body: json,
        contentType:
          i % 2 ? 'application/x-www-form-urlencoded' : 'multipart/form-data; boundary=x',
      };
    default: // cut-off JSON, or over the body limit
      return i % 2
        ? { body: json.subarray(0, Math.floor(json.length / 2)), contentType: 'application/json' }
        : { body: Buffer.alloc(2_000_000, 0x61), contentType: 'application/json' };
  }
}

async function send(url: string, endpoint: Endpoint, i: number): Promise<string> {
  const { body, contentType } = payload(endpoint, i);
  try {
    const response = await fetch(`${url}${endpoint.path}`, {
      method: endpoint.method,
      headers: {
        ...(contentType ? { 'content-type': contentType } : {}),
        ...endpoint.headers(body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer().catch(() => undefined);
    return outcomeClass(response.status);
  } catch (error) {
    return outcomeClass(
      error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'error',
    );
  }
}

/** Hostile widget events: a hello and a message each, acknowledged or not within 3 s. */
async function widget(url: string, count: number, answers: Record<string, number>): Promise<void> {
  const note = (kind: string) => (answers[`widget ${kind}`] = (answers[`widget ${kind}`] ?? 0) + 1);
  let socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false });
  for (let i = 0; i < count; i++) {
    if (!socket.connected) {
      socket.close();
      socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false });
      // Connected, refused, or nothing within 3 s (a hub that is down): the loop goes on.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        socket.once('connect', done);
        socket.once('connect_error', done);
      });
    }
    const picked = VALUES[i % VALUES.length]!;
    const value = picked === DEEP ? deep(200) : picked;
    const event = i % 3 === 0 ? 'hello' : 'message';
    const args =
      event === 'hello'
        ? { siteKey: i % 2 ? WIDGET_KEY : value, token: value }
        : {
            id: i % 2 ? `hostile-${i}-abcdef` : value,
            text: value,
            files: i % 4 ? value : [{ name: value, type: 'x', data: Buffer.from([0xff, 0xfe]) }],
          };
    if (i % 3 === 1)
      await socket
        .timeout(3000)
        .emitWithAck('hello', { siteKey: WIDGET_KEY })
        .catch(() => undefined);
    try {
      await socket.timeout(3000).emitWithAck(event, args);
      note('answered');
    } catch {
      note(socket.connected ? 'no answer' : 'disconnected');
    }
  }
  socket.close();
}

export async function hostileScenario(world: World): Promise<Row> {
  const row = emptyRow('hostile', '1,000 hostile payloads on every endpoint and the widget socket');
  const { url } = world.hub;
  const answers: Record<string, number> = {};
  const widgetCount = Math.round(TOTAL / (ENDPOINTS.length + 1));
  const httpCount = TOTAL - widgetCount;
  // A stranger's command first, then the same from `{"$ne": 0}`: any other answer means the
  // forged id was taken for someone on the staff.
  const forged = (from: Json, chat: number) =>
    JSON.stringify({
      ...telegramMessage(0, 0),
      message: {
        ...telegramMessage(0, 0).message,
        text: '/tasks',
        from: { id: from, is_bot: false, first_name: 'M' },
        chat: { id: chat, type: 'private' },
      },
    });
  const post = (body: string) =>
    fetch(`${url}/webhooks/telegram/manager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...secret() },
      body,
    }).catch(() => undefined);
  await post(forged(STRANGER, STRANGER));
  await post(forged({ $ne: 0 }, FORGED_CHAT));
  await post(forged({ $ne: DISPATCHER_TELEGRAM_ID + 1 }, FORGED_CHAT));

  const queue = Array.from({ length: httpCount }, (_, i) => i);
  await Promise.all([
    ...Array.from({ length: 8 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const endpoint = ENDPOINTS[i % ENDPOINTS.length]!;
        const kind = await send(url, endpoint, i);
        answers[`${endpoint.name} ${kind}`] = (answers[`${endpoint.name} ${kind}`] ?? 0) + 1;
        answers[kind] = (answers[kind] ?? 0) + 1;
      }
    }),
    widget(url, widgetCount, answers),
  ]);
  await tail();

  const texts = world.fake.managerTexts;
  const baseline = new Set(texts.filter((t) => t.chatId === String(STRANGER)).map((t) => t.text));
  const takenForStaff = texts.filter(
    (t) => t.chatId === String(FORGED_CHAT) && !baseline.has(t.text),
  );
  const junk = await world.db
    .db()
    .collection('messages')
    .countDocuments({ externalId: { $regex: 'object|undefined|null|\\$|NaN' } });
  row.inSent = TOTAL;
  row.failedAnswers =
    (answers['5xx'] ?? 0) +
    (answers.timeout ?? 0) +
    (answers.error ?? 0) +
    (answers['widget no answer'] ?? 0);
  row.unsafe = junk + (takenForStaff.length > 0 ? 1 : 0);
  if (takenForStaff.length > 0)
    row.notes.push(`{"$ne":0} taken for staff: answered "${takenForStaff[0]!.text.slice(0, 60)}"`);
  if (junk > 0) row.notes.push(`${junk} messages stored under garbage ids`);
  const bad = Object.entries(answers).filter(
    ([key]) => /5xx|timeout|error|no answer/.test(key) && key.includes(' '),
  );
  row.notes.push(
    `answers: ${bad.map(([key, count]) => `${key} ${count}`).join(', ') || 'no 5xx, every call answered'}`,
  );
  const classes = [
    '2xx',
    '4xx',
    '5xx',
    'timeout',
    'error',
    'widget answered',
    'widget disconnected',
  ];
  row.notes.push(classes.map((key) => `${key} ${answers[key] ?? 0}`).join(', '));
  return row;
}
