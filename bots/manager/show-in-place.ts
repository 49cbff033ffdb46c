import { GrammyError, type InlineKeyboard } from 'grammy';
import type { StaffDelivery } from '../../src/app/staff/notification-queue';
import type { DeliveryDeps } from './deliver-notifications';

/**
 * Some notices change a message the person already has rather than add one: a reply's delivery
 * state edits the bot's "sending…" line, a customer's edit edits the card that showed the
 * original. False when there is nothing to change (the card was never shown), so it is sent anew.
 * `shownAt`: where the original was shown, when the caller read it already.
 */
export async function showInPlace(
  delivery: StaffDelivery,
  telegramId: number,
  message: { text: string; keyboard?: InlineKeyboard },
  deps: Pick<DeliveryDeps, 'api' | 'queue'>,
  shownAt?: string[],
): Promise<boolean> {
  const { notice } = delivery;
  let targets: { chatId: number; messageId: number }[] = [];
  if (notice.kind === 'delivery_state') {
    targets = [notice.receipt];
  } else if (notice.kind === 'client_message' && notice.edited) {
    const refs = shownAt ?? (await deps.queue.clientMessageShown(notice.messageId)).refs;
    targets = refs.flatMap((ref) => {
      const target = telegramMessageAt(ref);
      return target?.chatId === telegramId ? [target] : [];
    });
  }
  if (targets.length === 0) return false;
  for (const target of targets) {
    await deps.api
      .editMessageText(target.chatId, target.messageId, message.text, {
        ...(message.keyboard ? { reply_markup: message.keyboard } : {}),
      })
      .catch((error: unknown) => {
        // The same text again, or a message the person deleted: nothing left to change.
        if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
      });
  }
  return true;
}

/** A stored `chatId:messageId` reference (a group chat's id is negative); undefined if garbled. */
function telegramMessageAt(ref: string): { chatId: number; messageId: number } | undefined {
  const [, chatId, messageId] = /^(-?\d+):(\d+)$/.exec(ref) ?? [];
  return chatId && messageId ? { chatId: Number(chatId), messageId: Number(messageId) } : undefined;
}
