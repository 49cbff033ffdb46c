import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { Text } from '../../src/domain/process/definition';
import type { RecordLabel } from '../../src/app/process/record-labels';
import type { Task, TaskSubject } from '../../src/domain/task';
import { clientName, labelName, stageTitle, type Naming } from './record-label';

export const text = (value: Text, lng: 'ru' | 'en') => value[lng];

// Building an Intl.DateTimeFormat costs far more than formatting with one: one per language+zone.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDate(at: Date, lng: 'ru' | 'en', timeZone: string): string {
  const key = `${lng}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lng === 'ru' ? 'ru-RU' : 'en-GB', {
      timeZone,
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    dateFormats.set(key, format);
  }
  return format.format(at);
}

/** Callback data: short, no secrets; the handler re-checks the presser and the task's state. */
export const callbacks = {
  done: (taskId: string) => `t:d:${taskId}`,
  later: (taskId: string, when: '1h' | 'tm' | 'pick') => `t:p:${taskId}:${when}`,
  assign: (taskId: string, userId: string) => `t:a:${taskId}:${userId}`,
  reassign: (taskId: string) => `t:r:${taskId}`,
  give: (taskId: string, userId: string) => `t:g:${taskId}:${userId}`,
  take: (taskId: string) => `t:t:${taskId}`,
  problem: (taskId: string) => `t:x:${taskId}`,
  contact: (contactId: string) => `k:${contactId}`,
  company: (companyId: string) => `co:${companyId}`,
  card: (subject: TaskSubject) => `c:${subject.kind}:${subject.id}`,
  move: (subject: TaskSubject, stage: string) => `m:${subject.kind}:${subject.id}:${stage}`,
  fill: (subject: TaskSubject, field: string) => `f:${subject.kind}:${subject.id}:${field}`,
  reply: (conversationId: string) => `r:${conversationId}`,
  tasks: 'ts',
};

/** The heads' red alert: open the Card, Take it yourself, or Reassign it to a sales manager. */
export function problemAlertKeyboard(
  taskId: string,
  subject: TaskSubject,
  t: TFunction,
): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('bot:buttons.card'), callbacks.card(subject))
    .row()
    .text(t('bot:buttons.take'), callbacks.take(taskId))
    .text(t('bot:buttons.reassign'), callbacks.reassign(taskId));
}

/** The record a task is on, named for its card; without one (a personal task) none is shown. */
export interface TaskContext {
  label: RecordLabel;
  naming: Naming;
}

/**
 * A task as its assignee sees it: what to do, for which client and record, at which stage, and
 * by when (in the company's time zone), with the buttons to act on it.
 */
export function taskCard(
  task: Task,
  t: TFunction,
  lng: 'ru' | 'en',
  timeZone: string,
  now: Date,
  context?: TaskContext,
): { text: string; keyboard: InlineKeyboard } {
  const title = task.problem
    ? t('bot:tasks.problem', { title: text(task.title, lng) })
    : text(task.title, lng);
  const due = formatDate(task.due, lng, timeZone);
  const overdue = task.due.getTime() < now.getTime() ? ` ${t('bot:tasks.overdueMark')}` : '';
  const keyboard = new InlineKeyboard()
    .text(t('bot:buttons.done'), callbacks.done(task.id))
    .row()
    .text(t('bot:buttons.later1h'), callbacks.later(task.id, '1h'))
    .text(t('bot:buttons.tomorrow'), callbacks.later(task.id, 'tm'))
    .text(t('bot:buttons.pickDate'), callbacks.later(task.id, 'pick'))
    .row()
    .text(t('bot:buttons.reassign'), callbacks.reassign(task.id));
  if (task.subject) {
    keyboard
      .text(t('bot:buttons.card'), callbacks.card(task.subject))
      .text(t('bot:buttons.problem'), callbacks.problem(task.id));
  }
  if (!context) return { text: t('bot:tasks.card', { title, due: due + overdue }), keyboard };
  const { label, naming } = context;
  const lines = [
    t('cards:task.title', {
      title,
      client: clientName(label, t),
      record: labelName(naming, label, t, lng),
    }),
    t('cards:task.stage', { stage: stageTitle(naming, label.pipeline, label.stage, lng) }),
    t('cards:task.due', { due: due + overdue }),
  ];
  return { text: lines.join('\n'), keyboard };
}
