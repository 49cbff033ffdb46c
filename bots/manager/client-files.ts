import { InputFile } from 'grammy';
import type { Notice } from '../../src/app/process/notices';
import type { DeliveryDeps } from './deliver-notifications';

type ClientMessageNotice = Extract<Notice, { kind: 'client_message' }>;

/**
 * The customer's files follow their card, as replies to it. A file that cannot be fetched or sent
 * (an expired link, too large for Telegram) is skipped: the card already names it, and failing
 * the whole notice would hide the customer's text too.
 */
export async function sendClientFiles(
  deps: Pick<DeliveryDeps, 'api' | 'loadFile' | 'onFileError'>,
  telegramId: number,
  cardId: number,
  notice: ClientMessageNotice,
): Promise<void> {
  if (!deps.loadFile || notice.edited) return;
  for (const file of notice.files) {
    try {
      const loaded = await deps.loadFile(notice.channel, file.ref);
      if (!loaded) continue;
      const input = new InputFile(loaded.data, file.name);
      const extra = { reply_parameters: { message_id: cardId } };
      if (file.kind === 'photo') await deps.api.sendPhoto(telegramId, input, extra);
      else await deps.api.sendDocument(telegramId, input, extra);
    } catch (error) {
      // Not retried: a retry of the notice would repeat the card the person already has.
      deps.onFileError?.(error);
    }
  }
}
