import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import type { Text } from '../../src/domain/process/definition';
import type { Task, TaskSubject } from '../../src/domain/task';

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

/** The heads' red alert: Take it yourself, or Reassign it to a sales manager. */
export function problemAlertKeyboard(taskId: string, t: TFunction): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('bot:buttons.take'), callbacks.take(taskId))
    .text(t('bot:buttons.reassign'), callbacks.reassign(taskId));
}

export function taskCard(
  task: Task,
  t: TFunction,
  lng: 'ru' | 'en',
  timeZone: string,
  now: Date,
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
  return { text: t('bot:tasks.card', { title, due: due + overdue }), keyboard };
}
