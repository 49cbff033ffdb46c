import { GrammyError, HttpError, type Api } from 'grammy';
import type { TFunction } from 'i18next';
import type { NotificationQueue, StaffDelivery } from '../../src/app/staff/notification-queue';
import type { Task } from '../../src/domain/task';
import { problemAlertKeyboard, taskCard, text } from './render';

export interface DeliveryDeps {
  queue: NotificationQueue;
  api: Api;
  translate: (lng: 'ru' | 'en') => TFunction;
  timeZone: string;
  clock: { now(): Date };
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
        await deps.api.sendMessage(
          recipient.telegramId,
          message.text,
          'keyboard' in message ? { reply_markup: message.keyboard } : {},
        );
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
