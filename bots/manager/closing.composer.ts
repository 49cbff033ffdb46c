import { Composer } from 'grammy';
import { ProcessError } from '../../src/app/process/errors';
import type { TaskSubject } from '../../src/domain/task';
import { CLOSE_RECORD, type CloseRecordArgs } from './close-record.dialog';
import { CLOSE_PRESS } from './closing.render';
import type { ManagerBotDeps, StaffMemberContext } from './context';
import { actorOf } from './acting';
import { startDialog } from './dialog';
import { refuse } from './refuse';

/**
 * A card's closing button: whoever may not close it (only sales closes a deal as lost, say) is
 * told so at once, before being asked for a reason; anyone else is asked why.
 */
export function closingComposer(deps: ManagerBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  composer.callbackQuery(CLOSE_PRESS, async (ctx) => {
    const subject: TaskSubject = { kind: ctx.match[1] as 'lead' | 'deal', id: ctx.match[2]! };
    const to = ctx.match[3]!;
    const actor = actorOf(ctx);
    try {
      await deps.engine.checkMove(subject, to, actor);
      const card = await deps.cards.card(subject, actor);
      const stage = card.moves.find((move) => move.id === to);
      if (!stage) throw new ProcessError('move_not_allowed');
      await ctx.answerCallbackQuery();
      const { id, kind, title, reasons } = stage;
      const args: CloseRecordArgs = { subject, stage: { id, kind, title, reasons } };
      await startDialog(ctx, CLOSE_RECORD, args);
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      await refuse(ctx, error);
    }
  });
  return composer;
}
