import { conversations, createConversation } from '@grammyjs/conversations';
import { Composer, type Context } from 'grammy';
import type { ManagerBotDeps, StaffMemberContext } from './context';
import { CLOSE_RECORD, closeRecordDialog } from './close-record.dialog';
import { FILL_FIELD, fillFieldDialog } from './fill-field.dialog';
import { PICK_DUE, pickDueDialog } from './pick-due.dialog';

/** A question left unanswered this long no longer captures the person's next message. */
const MAX_WAIT_MS = 30 * 60_000;

/**
 * Dialogs that ask a question and wait for the answer in the chat. Mounted before the feature
 * composers, so a waiting dialog sees the person's next message first.
 */
export function dialogsComposer(deps: ManagerBotDeps): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  // In memory: a dialog is a few seconds of typing, and after a restart the person simply
  // presses the button again. Nothing is saved until the dialog's last step.
  // Mounted past `staffOnly`: inside a dialog, the person answering is known to be staff.
  composer.use(conversations<StaffMemberContext, Context>());
  composer.use(
    createConversation(fillFieldDialog(deps), {
      id: FILL_FIELD,
      maxMillisecondsToWait: MAX_WAIT_MS,
    }),
  );
  composer.use(
    createConversation(pickDueDialog(deps), { id: PICK_DUE, maxMillisecondsToWait: MAX_WAIT_MS }),
  );
  composer.use(
    createConversation(closeRecordDialog(deps), {
      id: CLOSE_RECORD,
      maxMillisecondsToWait: MAX_WAIT_MS,
    }),
  );
  composer.command('cancel', (ctx) => ctx.reply(ctx.t('bot:dialog.nothingToCancel')));
  return composer;
}
