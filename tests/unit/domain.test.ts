import { normalizeEmail, normalizePhone } from '../../src/domain/contact';
import { assignResponsible } from '../../src/domain/department';
import { skipsDispatch, utmFromUrl } from '../../src/domain/lead';
import { nextAttemptAfterFailure } from '../../src/domain/outbox';
import { isOverdue, postpone, TaskRuleError, type Task } from '../../src/domain/task';

describe('contact identity', () => {
  it.each([
    ['8 (912) 345-67-89', '+79123456789'],
    ['+7 912 345 67 89', '+79123456789'],
    ['79123456789', '+79123456789'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('reads %s as %s so the same person matches across channels', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it('rejects text that is not a phone number', () => {
    expect(normalizePhone('позвоните мне')).toBeUndefined();
    expect(normalizePhone('123')).toBeUndefined();
  });

  it('compares emails case-insensitively and rejects non-emails', () => {
    expect(normalizeEmail('  Anna@Example.RU ')).toBe('anna@example.ru');
    expect(normalizeEmail('anna at example')).toBeUndefined();
  });
});

describe('lead source', () => {
  it('reads UTM tags from the landing page', () => {
    expect(
      utmFromUrl(
        'https://shop.example.ru/?utm_source=yandex&utm_medium=cpc&utm_campaign=winter&x=1',
      ),
    ).toEqual({ source: 'yandex', medium: 'cpc', campaign: 'winter' });
    expect(utmFromUrl('not a url')).toEqual({});
    expect(utmFromUrl(undefined)).toEqual({});
  });

  it('lets cold calls and cold visits skip the dispatcher, nothing else', () => {
    expect(skipsDispatch({ kind: 'manual', method: 'cold_call' })).toBe(true);
    expect(skipsDispatch({ kind: 'manual', method: 'cold_visit' })).toBe(true);
    expect(skipsDispatch({ kind: 'manual', method: 'referral' })).toBe(false);
    expect(skipsDispatch({ kind: 'channel', channel: 'vk' })).toBe(false);
  });
});

describe('responsibles per department', () => {
  it('keeps the sales manager when operations takes the deal', () => {
    const afterHandOff = assignResponsible(
      { sales: 'u-sales', headOfSales: 'u-head' },
      'operations',
      'u-ops',
    );
    expect(afterHandOff).toEqual({ sales: 'u-sales', headOfSales: 'u-head', operations: 'u-ops' });
  });
});

describe('tasks', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const task: Task = {
    id: 't1',
    key: 'adhoc:t1',
    title: { ru: 'Позвонить клиенту', en: 'Call the client' },
    assigneeId: 'u1',
    due: new Date('2026-11-23T09:00:00Z'),
    status: 'open',
    postponements: [],
    problem: false,
    createdAt: new Date('2026-11-22T09:00:00Z'),
  };

  it('moves the due time forward and keeps a record of the postponement', () => {
    const tomorrow = new Date('2026-11-24T07:00:00Z');
    const moved = postpone(task, tomorrow, 'u1', now, 'клиент в отпуске');
    expect(moved.due).toEqual(tomorrow);
    expect(moved.postponements).toEqual([
      { from: task.due, to: tomorrow, byUserId: 'u1', at: now, reason: 'клиент в отпуске' },
    ]);
    expect(isOverdue(task, now)).toBe(true);
    expect(isOverdue(moved, now)).toBe(false);
  });

  it('refuses to postpone into the past or a finished task', () => {
    expect(() => postpone(task, new Date('2026-11-23T09:30:00Z'), 'u1', now)).toThrow(
      TaskRuleError,
    );
    expect(() => postpone({ ...task, status: 'done' }, new Date('2026-11-25'), 'u1', now)).toThrow(
      'not_open',
    );
  });
});

describe('outbound retries', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const delay = (attempts: number, retryAfterMs?: number) =>
    nextAttemptAfterFailure(attempts, now, retryAfterMs).getTime() - now.getTime();

  it("waits exactly as long as the channel's retry_after asks", () => {
    expect(delay(3, 7000)).toBe(7000);
  });

  it('backs off exponentially during an outage, capped at ten minutes', () => {
    expect([1, 2, 3, 4].map((attempts) => delay(attempts))).toEqual([1000, 2000, 4000, 8000]);
    expect(delay(30)).toBe(600_000);
  });
});
