import type { User } from '../../domain/user';

/** Who acts: a person, or the system itself (robots, triggers, the integration API). */
export type Actor = { kind: 'user'; user: User } | { kind: 'system' };
export const SYSTEM: Actor = { kind: 'system' };
