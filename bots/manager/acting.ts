import type { StaffMember } from '../../src/app/process/actor';
import { ProcessError } from '../../src/app/process/errors';
import type { TaskSubject } from '../../src/domain/task';
import type { StaffMemberContext } from './context';
import { refuse } from './refuse';

/** The staff member pressing or writing, as the use cases know them. */
export const actorOf = (ctx: StaffMemberContext): StaffMember => ({
  kind: 'user',
  user: ctx.staff,
});

/** A record named by a button (its callback pattern admits only `lead` or `deal`). */
export const subjectFrom = (kind: string, id: string): TaskSubject => ({
  kind: kind as TaskSubject['kind'],
  id,
});

/** Runs a button's work; a refusal from the use cases is explained, anything else is thrown. */
export const guarded =
  <C extends StaffMemberContext>(work: (ctx: C) => Promise<unknown>) =>
  async (ctx: C) => {
    try {
      await work(ctx);
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      await refuse(ctx, error);
    }
  };
