import { CHANNELS, type Channel } from '../channel';
import { UTM_KEYS, type Utm } from '../lead';
import { isTime } from './hours';
import type { Hours, RoutingConditions } from './rule';

/** A rule as an admin types it, before the manager's name is looked up. */
export interface ParsedRule {
  conditions: RoutingConditions;
  action:
    | { kind: 'dispatcher' }
    | { kind: 'manager'; who: string }
    | { kind: 'round_robin' | 'least_loaded'; department: string };
}

/** Why a line is not a rule; the bot explains each code in the admin's language. */
export interface SyntaxProblem {
  code:
    | 'no_arrow'
    | 'unknown_condition'
    | 'empty_condition'
    | 'repeated_condition'
    | 'unknown_channel'
    | 'bad_hours'
    | 'unknown_action'
    | 'missing_target';
  value?: string;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const ACTIONS = ['dispatcher', 'manager', 'round_robin', 'least_loaded'] as const;

/**
 * The one-line rule syntax of `/route_add` (documented in the bot's `/routes` help):
 * `channel=vk utm_source=ads keyword=цена,доставка lang=ru hours=mon-fri/09:00-18:00 -> manager Семён`.
 * `outside=…` is the opposite of `hours=…`; `*` (or nothing) before the arrow takes everything.
 */
export function parseRule(line: string): { rule: ParsedRule } | { problems: SyntaxProblem[] } {
  const arrow = line.indexOf('->');
  if (arrow < 0) return { problems: [{ code: 'no_arrow' }] };
  const problems: SyntaxProblem[] = [];
  const conditions = parseConditions(line.slice(0, arrow), problems);
  const action = parseAction(line.slice(arrow + 2).trim(), problems);
  return problems.length > 0 || !action ? { problems } : { rule: { conditions, action } };
}

function parseConditions(text: string, problems: SyntaxProblem[]): RoutingConditions {
  const conditions: RoutingConditions = {};
  const seen = new Set<string>();
  for (const token of text
    .trim()
    .split(/\s+/)
    .filter((t) => t && t !== '*')) {
    const [key = '', raw = ''] = token.split(/=(.*)/s);
    const values = raw
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (seen.has(key)) problems.push({ code: 'repeated_condition', value: key });
    seen.add(key);
    if (values.length === 0) {
      problems.push({ code: 'empty_condition', value: key });
      continue;
    }
    const utmKey = /^utm_(\w+)$/.exec(key)?.[1];
    if (key === 'channel') {
      const unknown = values.filter((v) => !(CHANNELS as readonly string[]).includes(v));
      for (const value of unknown) problems.push({ code: 'unknown_channel', value });
      conditions.channels = values as Channel[];
    } else if (key === 'source') conditions.sources = values;
    else if (key === 'keyword') conditions.keywords = values.map((v) => v.toLowerCase());
    else if (key === 'lang') conditions.languages = values;
    else if (utmKey && (UTM_KEYS as readonly string[]).includes(utmKey)) {
      conditions.utm = { ...conditions.utm, [utmKey as keyof Utm]: raw };
    } else if (key === 'hours' || key === 'outside') {
      const hours = parseHours(raw);
      if (!hours) problems.push({ code: 'bad_hours', value: raw });
      else conditions.hours = { ...hours, ...(key === 'outside' ? { outside: true } : {}) };
    } else problems.push({ code: 'unknown_condition', value: key });
  }
  return conditions;
}

/** `mon-fri/09:00-18:00`, `sat,sun/10:00-16:00`, `1-5/09:00-18:00`. */
export function parseHours(raw: string): Hours | undefined {
  const match = /^([\w,-]+)\/(\d\d:\d\d)-(\d\d:\d\d)$/.exec(raw);
  if (!match || !isTime(match[2]!) || !isTime(match[3]!) || match[2] === match[3]) return undefined;
  const days = new Set<number>();
  for (const part of match[1]!.split(',')) {
    const [from, to = from] = part.split('-').map(dayNumber);
    if (!from || !to || to < from) return undefined;
    for (let day = from; day <= to; day++) days.add(day);
  }
  return { days: [...days].sort(), from: match[2]!, to: match[3]! };
}

function dayNumber(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const index = DAYS.indexOf(text.toLowerCase());
  if (index >= 0) return index + 1;
  const number = Number(text);
  return Number.isInteger(number) && number >= 1 && number <= 7 ? number : undefined;
}

function parseAction(text: string, problems: SyntaxProblem[]): ParsedRule['action'] | undefined {
  const [kind = '', ...rest] = text.split(/\s+/);
  const target = rest.join(' ').trim();
  if (!(ACTIONS as readonly string[]).includes(kind)) {
    problems.push({ code: 'unknown_action', value: kind });
    return undefined;
  }
  if (kind === 'dispatcher') return { kind: 'dispatcher' };
  if (!target) {
    problems.push({ code: 'missing_target', value: kind });
    return undefined;
  }
  return kind === 'manager'
    ? { kind: 'manager', who: target }
    : { kind: kind as 'round_robin' | 'least_loaded', department: target };
}

/** A rule back in the syntax it is typed in, with the manager shown by name. */
export function formatConditions(conditions: RoutingConditions): string {
  const parts: string[] = [];
  if (conditions.channels) parts.push(`channel=${conditions.channels.join(',')}`);
  if (conditions.sources) parts.push(`source=${conditions.sources.join(',')}`);
  for (const [key, value] of Object.entries(conditions.utm ?? {}))
    parts.push(`utm_${key}=${value}`);
  if (conditions.keywords) parts.push(`keyword=${conditions.keywords.join(',')}`);
  if (conditions.languages) parts.push(`lang=${conditions.languages.join(',')}`);
  if (conditions.hours) {
    const { days, from, to, outside } = conditions.hours;
    const names = days.map((day) => DAYS[day - 1]).join(',');
    parts.push(`${outside ? 'outside' : 'hours'}=${names}/${from}-${to}`);
  }
  return parts.length > 0 ? parts.join(' ') : '*';
}
