import { randomBytes } from 'node:crypto';
import type { Clock } from '../../domain/ports';
import { ROLES, type Locale, type Role, type User } from '../../domain/user';

export interface StaffStore {
  findByTelegramId(telegramId: number): Promise<User | undefined>;
  register(user: {
    telegramId: number;
    name: string;
    role: Role;
    departmentCode?: string;
    language: Locale;
  }): Promise<User>;
  setLanguage(userId: string, language: Locale): Promise<void>;
  setOnline(userId: string, online: boolean): Promise<void>;
  ensureDepartment(code: string): Promise<void>;
  departmentExists(code: string): Promise<boolean>;
  createInvite(invite: {
    code: string;
    role: Role;
    departmentCode: string;
    createdBy: string;
    expiresAt: Date;
  }): Promise<void>;
  /** Marks an unused, unexpired invite as used by this person; undefined when it cannot be. */
  redeemInvite(
    code: string,
    telegramId: number,
    at: Date,
  ): Promise<{ role: Role; departmentCode: string } | undefined>;
}

export class StaffError extends Error {
  constructor(readonly code: 'not_allowed' | 'unknown_role' | 'unknown_department') {
    super(code);
    this.name = 'StaffError';
  }
}

const INVITE_LIFETIME_MS = 7 * 24 * 60 * 60_000;
export const INVITE_PREFIX = 'inv_';

export interface Newcomer {
  telegramId: number;
  name: string;
  language: Locale;
}

/** Who may use the manager bot: invited staff, and the first admins from configuration. */
export class StaffService {
  constructor(
    private readonly deps: { store: StaffStore; clock: Clock; adminTelegramIds: readonly number[] },
  ) {}

  identify(telegramId: number): Promise<User | undefined> {
    return this.deps.store.findByTelegramId(telegramId);
  }

  /**
   * `/start` from someone unknown: a configured admin is registered at once; anyone else needs
   * a valid invite. Returns undefined for a stranger, who gets a polite refusal and no data.
   */
  async admit(newcomer: Newcomer, payload: string | undefined): Promise<User | undefined> {
    const { store, clock, adminTelegramIds } = this.deps;
    const known = await store.findByTelegramId(newcomer.telegramId);
    // A deactivated person stays out, invite or not.
    if (known) return known.active ? known : undefined;
    if (adminTelegramIds.includes(newcomer.telegramId)) {
      return store.register({ ...newcomer, role: 'admin' });
    }
    if (!payload?.startsWith(INVITE_PREFIX)) return undefined;
    const invite = await store.redeemInvite(
      payload.slice(INVITE_PREFIX.length),
      newcomer.telegramId,
      clock.now(),
    );
    if (!invite) return undefined;
    return store.register({
      ...newcomer,
      role: invite.role,
      departmentCode: invite.departmentCode,
    });
  }

  /** An admin's one-time invite; the code travels in a deep link and is useless once used. */
  async invite(admin: User, role: string, departmentCode: string): Promise<string> {
    if (!admin.active || !admin.roles.includes('admin')) throw new StaffError('not_allowed');
    if (!(ROLES as readonly string[]).includes(role)) throw new StaffError('unknown_role');
    if (!(await this.deps.store.departmentExists(departmentCode)))
      throw new StaffError('unknown_department');
    const code = randomBytes(12).toString('base64url');
    await this.deps.store.createInvite({
      code,
      role: role as Role,
      departmentCode,
      createdBy: admin.id,
      expiresAt: new Date(this.deps.clock.now().getTime() + INVITE_LIFETIME_MS),
    });
    return `${INVITE_PREFIX}${code}`;
  }

  setLanguage(user: User, language: Locale): Promise<void> {
    return this.deps.store.setLanguage(user.id, language);
  }

  /** `/online` and `/offline`: routing gives new leads only to people who are online. */
  setOnline(user: User, online: boolean): Promise<void> {
    return this.deps.store.setOnline(user.id, online);
  }
}
