import type { User } from '../../domain/user';

/** A staff member acting: what they read or change is reached through their scope. */
export type StaffMember = { kind: 'user'; user: User };

/**
 * The system itself: robots, triggers, timers, the records API with its own key. It reads and
 * writes any record unscoped, and the type says so wherever that happens.
 */
export type SystemActor = { kind: 'system' };

/** Who acts: a person, or the system itself. */
export type Actor = StaffMember | SystemActor;
export const SYSTEM: SystemActor = { kind: 'system' };
