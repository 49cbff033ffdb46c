import {
  SYSTEM_SCOPE,
  covers,
  coversPerson,
  scopeOf,
  type StaffActor,
} from '../../src/domain/access';

/** PRODUCT.md, process 10, as one rule: what each kind of staff member's scope covers. */
const actor = (over: Partial<StaffActor> = {}): StaffActor => ({
  userId: 'me',
  roles: ['manager'],
  departmentId: 'sales',
  active: true,
  ...over,
});
const sales = { id: 'sales', memberIds: ['me', 'colleague', 'gone'] };
const mine = { responsibles: { sales: 'me' } };
const colleagues = { responsibles: { sales: 'colleague', operations: 'runner' } };
const unheld = { responsibles: {} };
const elsewhere = { responsibles: { sales: 'stranger', operations: 'runner' } };

describe('the access scope', () => {
  it('covers a manager’s own records and tasks only', () => {
    const scope = scopeOf(actor(), sales);
    expect([mine, colleagues, unheld, elsewhere].map((r) => covers(scope, r))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(coversPerson(scope, 'me')).toBe(true);
    expect(coversPerson(scope, 'colleague')).toBe(false);
  });

  it('adds the unheld records for a dispatcher, not their colleagues’ ones', () => {
    const scope = scopeOf(actor({ roles: ['dispatcher'] }), sales);
    expect([mine, colleagues, unheld, elsewhere].map((r) => covers(scope, r))).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('covers what a head’s department holds, in any slot, and the unheld records', () => {
    const scope = scopeOf(actor({ roles: ['head'] }), sales);
    expect([mine, colleagues, unheld, elsewhere].map((r) => covers(scope, r))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(covers(scope, { responsibles: { sales: 'x', operations: 'gone' } })).toBe(true);
    expect(coversPerson(scope, 'gone')).toBe(true);
  });

  it('ignores another department’s people given for a head', () => {
    const scope = scopeOf(actor({ roles: ['head'] }), { id: 'operations', memberIds: ['runner'] });
    expect(covers(scope, elsewhere)).toBe(false);
    expect(covers(scope, mine)).toBe(true);
  });

  it('covers everything for an admin and the system, nothing for a deactivated person', () => {
    expect(covers(scopeOf(actor({ roles: ['admin'] })), elsewhere)).toBe(true);
    expect(covers(SYSTEM_SCOPE, elsewhere)).toBe(true);
    const gone = scopeOf(actor({ roles: ['admin', 'head'], active: false }), sales);
    expect([mine, unheld].map((r) => covers(gone, r))).toEqual([false, false]);
    expect(coversPerson(gone, 'me')).toBe(false);
  });
});
