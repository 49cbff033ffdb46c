import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import {
  PAGE_SIZE,
  WAITING_BUCKETS_MS,
  type RecordFilter,
  type RecordKind,
  type RecordLine,
  type RecordPage,
  type StageOption,
  type TaskPage,
  type TeamLine,
} from '../../src/app/lists/lists';
import type { User } from '../../src/domain/user';
import { callbacks, formatDate, text } from './render';

type Lng = 'ru' | 'en';

/** "35 мин", "2 ч", "3 ч 5 мин", "2 дн 4 ч": how long a client has waited, rounded down. */
export function formatDuration(ms: number, t: TFunction): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return t('lists:duration.minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest === 0
      ? t('lists:duration.hours', { hours })
      : t('lists:duration.hoursMinutes', { hours, minutes: rest });
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0
    ? t('lists:duration.days', { days })
    : t('lists:duration.daysHours', { days, hours: rest });
}

/** The short number a person reads and says aloud; records made before numbering: the id's tail. */
export const recordNumber = (line: RecordLine, t: TFunction) =>
  line.number === undefined
    ? `#${line.subject.id.slice(-6)}`
    : t('cards:number', { number: line.number });

const BUTTON_LABEL = 28;
const short = (label: string) =>
  label.length > BUTTON_LABEL ? `${label.slice(0, BUTTON_LABEL - 1)}…` : label;

/**
 * Callback data of the lists: `ls:<l|d>:<stage>:<waiting>:<page>` draws a page, `lsp:` and `lwp:`
 * (same filter, no page) turn the message into the stage or waiting picker; `-` is no filter.
 */
export const listCallbacks = {
  page: (kind: RecordKind, filter: RecordFilter) =>
    `ls:${kind[0]}:${filter.stage ?? '-'}:${filter.waiting ?? '-'}:${filter.page}`,
  stages: (kind: RecordKind, filter: RecordFilter) =>
    `lsp:${kind[0]}:${filter.stage ?? '-'}:${filter.waiting ?? '-'}`,
  waiting: (kind: RecordKind, filter: RecordFilter) =>
    `lwp:${kind[0]}:${filter.stage ?? '-'}:${filter.waiting ?? '-'}`,
  tasks: (page: number) => `tl:${page}`,
  openTask: (taskId: string) => `to:${taskId}`,
};

export function stageLabel(option: StageOption, lng: Lng, t: TFunction): string {
  return option.pipelineTitle
    ? t('lists:dealStage', {
        stage: text(option.title, lng),
        type: text(option.pipelineTitle, lng),
      })
    : text(option.title, lng);
}

/** Whose records the title promises: the rights decide what the page holds. */
function scopeTitle(user: User, kind: RecordKind, t: TFunction): string {
  const scope = user.roles.includes('admin')
    ? 'all'
    : user.roles.includes('head')
      ? 'department'
      : 'mine';
  return t(`lists:titles.${kind}.${scope}`);
}

export function renderRecordPage(
  view: { user: User; kind: RecordKind; filter: RecordFilter; page: RecordPage },
  stages: StageOption[],
  t: TFunction,
  lng: Lng,
): { text: string; keyboard: InlineKeyboard } {
  const { kind, filter, page } = view;
  const stage = filter.stage === undefined ? undefined : stages[filter.stage];
  const bucket = filter.waiting === undefined ? undefined : WAITING_BUCKETS_MS[filter.waiting];
  const head = [
    t('lists:header', { title: scopeTitle(view.user, kind, t), page: page.page + 1 }),
    t('lists:filters', {
      stage: stage ? stageLabel(stage, lng, t) : t('lists:anyStage'),
      waiting:
        bucket === undefined
          ? t('lists:anyWaiting')
          : t('lists:waitingOver', { time: formatDuration(bucket, t) }),
    }),
  ];
  const first = page.page * PAGE_SIZE;
  const lines = page.lines.map((line, index) => {
    const stageText = line.pipelineTitle
      ? t('lists:dealStage', {
          stage: text(line.stageTitle, lng),
          type: text(line.pipelineTitle, lng),
        })
      : text(line.stageTitle, lng);
    const waited =
      line.waitingMs === undefined
        ? ''
        : t('lists:waited', { time: formatDuration(line.waitingMs, t) });
    return (
      t('lists:line', {
        n: first + index + 1,
        number: recordNumber(line, t),
        name: line.contactName ?? t('lists:noName'),
        stage: stageText,
        responsible: line.responsibleName ?? t('lists:nobody'),
      }) + waited
    );
  });
  const keyboard = new InlineKeyboard();
  page.lines.forEach((line, index) => {
    const label = t('lists:buttons.open', {
      n: first + index + 1,
      name: line.contactName ?? recordNumber(line, t),
    });
    keyboard.text(short(label), callbacks.card(line.subject));
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.row();
  if (page.page > 0)
    keyboard.text(
      t('lists:buttons.previous'),
      listCallbacks.page(kind, { ...filter, page: page.page - 1 }),
    );
  if (page.hasNext)
    keyboard.text(
      t('lists:buttons.next'),
      listCallbacks.page(kind, { ...filter, page: page.page + 1 }),
    );
  keyboard
    .row()
    .text(t('lists:buttons.stage'), listCallbacks.stages(kind, filter))
    .text(t('lists:buttons.waiting'), listCallbacks.waiting(kind, filter));
  const body = lines.length > 0 ? lines : [t('lists:none')];
  return { text: [...head, '', ...body].join('\n'), keyboard };
}

/** The stage picker, drawn over the list: each choice draws the list's first page again. */
export function renderStagePicker(
  kind: RecordKind,
  filter: RecordFilter,
  stages: StageOption[],
  t: TFunction,
  lng: Lng,
): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard();
  stages.forEach((option, index) => {
    keyboard
      .text(
        stageLabel(option, lng, t),
        listCallbacks.page(kind, { ...filter, stage: index, page: 0 }),
      )
      .row();
  });
  const anyStage: RecordFilter = {
    page: 0,
    ...(filter.waiting === undefined ? {} : { waiting: filter.waiting }),
  };
  keyboard
    .text(t('lists:buttons.anyStage'), listCallbacks.page(kind, { ...anyStage, page: 0 }))
    .row()
    .text(t('lists:buttons.back'), listCallbacks.page(kind, { ...filter, page: 0 }));
  return { text: t('lists:pickStage'), keyboard };
}

export function renderWaitingPicker(
  kind: RecordKind,
  filter: RecordFilter,
  t: TFunction,
): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard();
  WAITING_BUCKETS_MS.forEach((bucket, index) => {
    keyboard.text(
      t('lists:waitingOver', { time: formatDuration(bucket, t) }),
      listCallbacks.page(kind, { ...filter, waiting: index, page: 0 }),
    );
    if (index % 2 === 1) keyboard.row();
  });
  const anyWaiting: RecordFilter = {
    page: 0,
    ...(filter.stage === undefined ? {} : { stage: filter.stage }),
  };
  keyboard
    .row()
    .text(t('lists:buttons.anyWaiting'), listCallbacks.page(kind, { ...anyWaiting, page: 0 }))
    .row()
    .text(t('lists:buttons.back'), listCallbacks.page(kind, { ...filter, page: 0 }));
  return { text: t('lists:pickWaiting'), keyboard };
}

/** `/tasks`: one message, a page of my tasks with a button each and ◀️ ▶️. */
export function renderTaskPage(
  page: TaskPage,
  t: TFunction,
  lng: Lng,
  timeZone: string,
  now: Date,
): { text: string; keyboard: InlineKeyboard } {
  const head = [t('bot:tasks.header', { count: t('tasks.count', { count: page.total }) })];
  if (page.pages > 1) head.push(t('lists:tasks.page', { page: page.page + 1, pages: page.pages }));
  const first = page.page * PAGE_SIZE;
  const keyboard = new InlineKeyboard();
  const lines = page.tasks.map((task, index) => {
    const title = task.problem
      ? t('bot:tasks.problem', { title: text(task.title, lng) })
      : text(task.title, lng);
    const overdue = task.due.getTime() < now.getTime() ? ` ${t('bot:tasks.overdueMark')}` : '';
    keyboard
      .text(
        short(t('lists:tasks.open', { n: first + index + 1, title })),
        listCallbacks.openTask(task.id),
      )
      .row();
    return t('lists:tasks.line', {
      n: first + index + 1,
      title,
      due: formatDate(task.due, lng, timeZone) + overdue,
    });
  });
  if (page.page > 0) keyboard.text(t('lists:buttons.previous'), listCallbacks.tasks(page.page - 1));
  if (page.page + 1 < page.pages)
    keyboard.text(t('lists:buttons.next'), listCallbacks.tasks(page.page + 1));
  return { text: [...head, '', ...lines].join('\n'), keyboard };
}

export function renderTeam(lines: TeamLine[], t: TFunction): string {
  if (lines.length === 0) return t('lists:team.none');
  return [
    t('lists:team.header'),
    '',
    ...lines.map(({ user, counts }) => t('lists:team.line', { name: user.name, ...counts })),
  ].join('\n');
}
