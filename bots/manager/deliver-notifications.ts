import { GrammyError, HttpError, InputFile, type Api, type InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { NotificationQueue, StaffDelivery } from '../../src/app/staff/notification-queue';
import type { Task } from '../../src/domain/task';
import type { Notice } from '../../src/app/process/notices';
import { clientCard } from './client-card';
import { problemAlertKeyboard, taskCard, text } from './render';

type ClientMessageNotice = Extract<Notice, { kind: 'client_message' }>;
type DeliveryStateNotice = Extract<Notice, { kind: 'delivery_state' }>;

export interface DeliveryDeps {
  queue: NotificationQueue;
  api: Api;
  translate: (lng: 'ru' | 'en') => TFunction;
  timeZone: string;
  clock: { now(): Date };
  /** The bytes of a file a customer sent, from their channel; undefined when it cannot be had. */
  loadFile?: (
    channel: ClientMessageNotice['channel'],
    ref: string,
  ) => Promise<{ data: Buffer; mimeType?: string } | undefined>;
  /** A customer's file that could not be passed on: logged, as the card already names it. */
  onFileError?: (error: unknown) => void;
}

function render(delivery: StaffDelivery, t: TFunction, lng: 'ru' | 'en', deps: DeliveryDeps) {
  const payload = delivery.payload as Record<string, unknown>;
  const minutes = Math.round(Number(payload.waitingMs ?? 0) / 60_000);
  const task = payload.task as Task | undefined;
  switch (delivery.kind) {
    case 'task_assigned':
      return taskCard(task!, t, lng, deps.timeZone, deps.clock.now());
    case 'task_overdue':
      return { text: t('bot:notices.task_overdue', { title: text(task!.title, lng) }) };
    case 'robot':
      return { text: text(payload.text as { ru: string; en: string }, lng) };
    case 'sla_reminder':
    case 'sla_passed':
      return { text: t(`bot:notices.${delivery.kind}`, { minutes }) };
    case 'problem':
      return {
        text: t(
          (payload.subject as { kind?: string } | undefined)?.kind === 'lead'
            ? 'bot:notices.alert_problem_lead'
            : 'bot:notices.alert_problem',
          { reason: payload.reason },
        ),
        keyboard: problemAlertKeyboard(String(payload.taskId), t),
      };
    case 'sla':
      return { text: t('bot:notices.alert_sla', { minutes }) };
    case 'overdue':
      return { text: t('bot:notices.alert_overdue', { title: text(task!.title, lng) }) };
    case 'client_message':
      return clientCard(payload as unknown as ClientMessageNotice, t);
    case 'delivery_state': {
      const { state, reason } = payload as unknown as DeliveryStateNotice;
      const because = reason ? t(`bot:client.reasons.${reason}`) : undefined;
      return { text: t(`bot:client.${state}`, { reason: because }) };
    }
    default:
      return undefined;
  }
}

/**
 * Sends waiting staff notifications through the manager bot, oldest first. A rate limit or an
 * outage stops the round and leaves the rest pending for the next one. One process should run
 * this loop: rounds are serialised within a process, not claimed across processes.
 */
export async function deliverPending(deps: DeliveryDeps, limit = 50): Promise<number> {
  let sent = 0;
  for (const delivery of await deps.queue.pending(limit)) {
    try {
      for (const recipient of delivery.recipients) {
        // An alert to several heads that failed halfway resumes where it stopped.
        if (delivery.deliveredTo.includes(recipient.telegramId)) continue;
        const t = deps.translate(recipient.language);
        const message = render(delivery, t, recipient.language, deps);
        if (!message) continue;
        if (await showInPlace(delivery, recipient.telegramId, message, deps)) continue;
        const sent = await deps.api.sendMessage(
          recipient.telegramId,
          message.text,
          'keyboard' in message ? { reply_markup: message.keyboard } : {},
        );
        if (delivery.kind === 'client_message') {
          await deps.queue.remember(delivery.id, `${recipient.telegramId}:${sent.message_id}`);
          await sendClientFiles(deps, recipient.telegramId, sent.message_id, delivery.payload);
        }
        if (delivery.recipients.length > 1)
          await deps.queue.markDeliveredTo(delivery.id, recipient.telegramId);
      }
      await deps.queue.markSent(delivery.id);
      sent++;
    } catch (error) {
      // Rate limits, Telegram's own failures and network trouble pass: stop and retry next round.
      const transient =
        error instanceof HttpError ||
        (error instanceof GrammyError && (error.error_code === 429 || error.error_code >= 500));
      if (transient) return sent;
      // Anything else (blocked by the person, a notice that cannot be shown) will not get
      // better by retrying; it is kept as failed, with the reason, and the queue moves on.
      await deps.queue.markFailed(
        delivery.id,
        error instanceof Error ? error.message : String(error),
      );
    }
  }
  return sent;
}

/**
 * Some notices change a message the person already has rather than add one: a reply's delivery
 * state edits the bot's "sending…" line, a customer's edit edits the card that showed the
 * original. False when there is nothing to change (the card was never shown), so it is sent anew.
 */
async function showInPlace(
  delivery: StaffDelivery,
  telegramId: number,
  message: { text: string; keyboard?: InlineKeyboard },
  deps: DeliveryDeps,
): Promise<boolean> {
  const payload = delivery.payload as Record<string, unknown>;
  let targets: { chatId: number; messageId: number }[] = [];
  if (delivery.kind === 'delivery_state') {
    targets = [(payload as unknown as DeliveryStateNotice).receipt];
  } else if (delivery.kind === 'client_message' && payload.edited) {
    const refs = await deps.queue.refsOfClientMessage(String(payload.messageId));
    targets = refs
      .map((ref) => ref.split(':').map(Number) as [number, number])
      .filter(([chatId]) => chatId === telegramId)
      .map(([chatId, messageId]) => ({ chatId, messageId }));
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

/**
 * The customer's files follow their card, as replies to it. A file that cannot be fetched or sent
 * (an expired link, too large for Telegram) is skipped: the card already names it, and failing
 * the whole notice would hide the customer's text too.
 */
async function sendClientFiles(
  deps: DeliveryDeps,
  telegramId: number,
  cardId: number,
  payload: Record<string, unknown>,
): Promise<void> {
  const notice = payload as unknown as ClientMessageNotice;
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
