import { withinHours } from '../../src/domain/routing/hours';
import { matches } from '../../src/domain/routing/match';
import type { RoutingSample } from '../../src/domain/routing/rule';
import { shadows } from '../../src/domain/routing/shadowing';
import { formatConditions, parseRule } from '../../src/domain/routing/syntax';

const ZONE = 'Europe/Moscow';
// Monday 23 November 2026, 12:00 in Moscow.
const mondayNoon = new Date('2026-11-23T09:00:00Z');
const sample = (extra: Partial<RoutingSample> = {}): RoutingSample => ({
  channel: 'vk',
  utm: {},
  text: 'Сколько стоит доставка?',
  at: mondayNoon,
  ...extra,
});
const conditions = (line: string) => {
  const parsed = parseRule(`${line} -> dispatcher`);
  if (!('rule' in parsed)) throw new Error(JSON.stringify(parsed.problems));
  return parsed.rule.conditions;
};

describe('the routing rule syntax', () => {
  it('reads every kind of condition and action', () => {
    expect(
      parseRule(
        'channel=vk,telegram utm_source=ads keyword=Цена,доставка lang=ru hours=mon-fri/09:00-18:00 -> manager Семён Петров',
      ),
    ).toEqual({
      rule: {
        conditions: {
          channels: ['vk', 'telegram'],
          utm: { source: 'ads' },
          keywords: ['цена', 'доставка'],
          languages: ['ru'],
          hours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' },
        },
        action: { kind: 'manager', who: 'Семён Петров' },
      },
    });
    expect(parseRule('* -> round_robin sales')).toEqual({
      rule: { conditions: {}, action: { kind: 'round_robin', department: 'sales' } },
    });
  });

  it('names every problem of a broken line', () => {
    expect(parseRule('channel=ok colour=red keyword= hours=mon/9-18 -> boss')).toEqual({
      problems: [
        { code: 'unknown_channel', value: 'ok' },
        { code: 'unknown_condition', value: 'colour' },
        { code: 'empty_condition', value: 'keyword' },
        { code: 'bad_hours', value: 'mon/9-18' },
        { code: 'unknown_action', value: 'boss' },
      ],
    });
    expect(parseRule('channel=vk manager Семён')).toEqual({ problems: [{ code: 'no_arrow' }] });
    expect(parseRule('channel=vk -> manager')).toEqual({
      problems: [{ code: 'missing_target', value: 'manager' }],
    });
  });

  it('writes a rule back the way it is typed', () => {
    const line = 'channel=vk utm_source=ads keyword=цена outside=mon,tue,wed,thu,fri/09:00-18:00';
    expect(formatConditions(conditions(line))).toBe(line);
    expect(formatConditions({})).toBe('*');
  });
});

describe('matching a new lead', () => {
  it('needs every condition to hold', () => {
    const rule = conditions('channel=vk utm_source=ads');
    expect(matches(rule, sample({ utm: { source: 'ADS' } }), ZONE)).toBe(true);
    expect(matches(rule, sample({ utm: { source: 'seo' } }), ZONE)).toBe(false);
    expect(matches(rule, sample({ channel: 'telegram', utm: { source: 'ads' } }), ZONE)).toBe(
      false,
    );
    expect(matches(conditions('keyword=ДОСТАВКА'), sample(), ZONE)).toBe(true);
    expect(matches(conditions('lang=en'), sample({ language: 'ru' }), ZONE)).toBe(false);
  });

  it("reads working hours in the company's zone, including night shifts", () => {
    const office = { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' };
    expect(withinHours(office, mondayNoon, ZONE)).toBe(true);
    // 19:30 in Moscow is 16:30 UTC.
    expect(withinHours(office, new Date('2026-11-23T16:30:00Z'), ZONE)).toBe(false);
    // Saturday noon.
    expect(withinHours(office, new Date('2026-11-28T09:00:00Z'), ZONE)).toBe(false);
    const night = { days: [1], from: '22:00', to: '06:00' };
    // Tuesday 03:00 in Moscow belongs to Monday's night shift.
    expect(withinHours(night, new Date('2026-11-24T00:00:00Z'), ZONE)).toBe(true);
    expect(withinHours(night, new Date('2026-11-25T00:00:00Z'), ZONE)).toBe(false);
    expect(matches(conditions('outside=mon-fri/09:00-18:00'), sample(), ZONE)).toBe(false);
  });
});

describe('unreachable rules', () => {
  it('knows when an earlier rule takes every lead a later one would', () => {
    expect(shadows(conditions('channel=vk'), conditions('channel=vk utm_source=ads'))).toBe(true);
    expect(shadows({}, conditions('lang=ru'))).toBe(true);
    expect(shadows(conditions('keyword=цен'), conditions('keyword=цена'))).toBe(true);
    expect(shadows(conditions('channel=vk utm_source=ads'), conditions('channel=vk'))).toBe(false);
    expect(shadows(conditions('channel=vk,viber'), conditions('channel=telegram'))).toBe(false);
    expect(
      shadows(conditions('hours=mon-fri/09:00-18:00'), conditions('outside=mon-fri/09:00-18:00')),
    ).toBe(false);
  });
});
