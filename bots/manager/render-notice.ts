import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { StaffNotice } from '../../src/app/staff/notification-queue';
import type { Task } from '../../src/domain/task';
import { clientCard } from './client-card';
import { clientCardWithTasks } from './first-card';
import { handOverCard } from './history.render';
import type { NoticeContext } from './notice-context';
import { problemAlert, type AlertContext } from './problem-alert';
import { withRecord, type Naming } from './record-label';
import { callbacks, taskCard, text } from './render';

/** What rendering needs of the delivery's settings. */
export interface RenderDeps {
  timeZone: string;
  clock: { now(): Date };
  cards?: { naming: Naming };
  /** Signed links to files the hub keeps, for the clients' histories. */
  fileUrl?: (fileRef: string, name: string) => string;
}

/**
 * A staff notice as its reader sees it, in their language: task cards and alerts name the
 * client and record `context` found for them.
 */
export function renderNotice(
  notice: StaffNotice,
  t: TFunction,
  lng: 'ru' | 'en',
  deps: RenderDeps,
  context: NoticeContext,
) {
  const naming = deps.cards?.naming;
  // An overdue task names its client and record, with a button to open the record's card.
  const withCard = (task: Task, line: string) => ({
    text: withRecord(line, context.label, naming, t, lng),
    ...(task.subject
      ? { keyboard: new InlineKeyboard().text(t('bot:buttons.card'), callbacks.card(task.subject)) }
      : {}),
  });
  // A waiting client is named with their record; Reply answers them, Card opens the record.
  const waiting = (conversationId: string, line: string) => {
    const { label } = context;
    if (!label || !naming) return { text: line };
    return {
      text: withRecord(line, label, naming, t, lng),
      keyboard: new InlineKeyboard()
        .text(t('bot:buttons.reply'), callbacks.reply(conversationId))
        .text(t('bot:buttons.card'), callbacks.card(label.subject)),
    };
  };
  switch (notice.kind) {
    case 'task_assigned':
      return taskCard(
        notice.task,
        t,
        lng,
        deps.timeZone,
        deps.clock.now(),
        context.label && naming ? { label: context.label, naming } : undefined,
      );
    case 'task_overdue':
      return withCard(
        notice.task,
        t('bot:notices.task_overdue', { title: text(notice.task.title, lng) }),
      );
    case 'robot':
      return { text: text(notice.text, lng) };
    case 'sla_reminder':
    case 'sla_passed':
      return waiting(
        notice.conversationId,
        t(`bot:notices.${notice.kind}`, { minutes: minutesOf(notice.waitingMs) }),
      );
    case 'problem': {
      const about: AlertContext | undefined = naming && {
        naming,
        ...(context.label ? { label: context.label } : {}),
        ...(context.raisedBy ? { raisedBy: context.raisedBy } : {}),
      };
      return problemAlert(notice, about, t, lng);
    }
    case 'sla':
      return waiting(
        notice.conversationId,
        t('bot:notices.alert_sla', { minutes: minutesOf(notice.waitingMs) }),
      );
    case 'overdue':
      return withCard(
        notice.task,
        t('bot:notices.alert_overdue', { title: text(notice.task.title, lng) }),
      );
    case 'client_message': {
      const recordNumber = notice.recordNumber ?? context.label?.number;
      const numbered = recordNumber === undefined ? notice : { ...notice, recordNumber };
      // A new lead's first tasks ride on its first card (one message per new customer).
      return notice.tasks?.length
        ? clientCardWithTasks(numbered, notice.tasks, t, lng, {
            timeZone: deps.timeZone,
            now: deps.clock.now(),
          })
        : clientCard(numbered, t);
    }
    case 'client_history':
      return handOverCard(notice, { t, lng, timeZone: deps.timeZone, fileUrl: deps.fileUrl });
    case 'delivery_state': {
      const because = notice.reason ? t(`bot:client.reasons.${notice.reason}`) : undefined;
      return { text: t(`bot:client.${notice.state}`, { reason: because }) };
    }
    default: {
      const unknown: never = notice;
      throw new Error(`no rendering for notice ${JSON.stringify(unknown)}`);
    }
  }
}

const minutesOf = (waitingMs: number) => Math.round(waitingMs / 60_000);
