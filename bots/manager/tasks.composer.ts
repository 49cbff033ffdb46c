import { Composer, InlineKeyboard } from 'grammy';
import { DateTime } from 'luxon';
import type { CompleteInput } from '../../src/app/process/engine';
import type { Task } from '../../src/domain/task';
import { ProcessError } from '../../src/app/process/errors';
import type { ManagerBotDeps, StaffMemberContext } from './context';
import { startDialog } from './dialog';
import { refuseOfferingFill } from './fill-offer';
import { dealTypesKeyboard, HAND_OFF_DONE, TOGGLE_PRESS, typesOf } from './hand-off.render';
import { PICK_DUE, type PickDueArgs } from './pick-due.dialog';
import type { Prompts } from './prompts';
import { editInPlace } from './lists.composer';
import { renderTaskPage } from './lists.render';
import { showTaken } from './alert-taken';
import { refuse } from './refuse';
import { callbacks, formatDate, taskCard, text } from './render';
import { withoutTaskButtons } from './first-card';
import { actorOf } from './acting';

/** 10:00 tomorrow in the company's time zone, whatever the server's zone. */
function tomorrowAtTen(deps: ManagerBotDeps): Date {
  return DateTime.fromJSDate(deps.clock.now())
    .setZone(deps.timeZone)
    .plus({ days: 1 })
    .set({ hour: 10, minute: 0, second: 0, millisecond: 0 })
    .toJSDate();
}

/**
 * `/tasks` and the task card's buttons: Done (with the dispatcher's and hand-off's choices),
 * Postpone (by an hour, to tomorrow, or to a date the person types), Reassign, Problem.
 */
export function tasksComposer(
  deps: ManagerBotDeps,
  prompts: Prompts,
): Composer<StaffMemberContext> {
  const composer = new Composer<StaffMemberContext>();
  // A task on a record names its client, record and stage.
  const taskCardOf = async (ctx: StaffMemberContext, task: Task) => {
    const label = task.subject ? await deps.labels.labelOf(task.subject) : undefined;
    const context = label ? { label, naming: deps.naming } : undefined;
    return taskCard(task, ctx.t, ctx.lng, deps.timeZone, deps.clock.now(), context);
  };

  // One message with a page of my tasks; each opens its card, ◀️ ▶️ redraw the page in place.
  const taskPage = async (ctx: StaffMemberContext, page: number) =>
    renderTaskPage(
      await deps.lists.tasks(ctx.staff, page),
      ctx.t,
      ctx.lng,
      deps.timeZone,
      deps.clock.now(),
    );
  const listTasks = async (ctx: StaffMemberContext) => {
    const page = await taskPage(ctx, 0);
    await ctx.reply(page.text, { reply_markup: page.keyboard });
  };
  composer.command('tasks', listTasks);
  // The "Tasks" button of client cards sent before it listed the client's own tasks.
  composer.callbackQuery(callbacks.tasks, async (ctx) => {
    await ctx.answerCallbackQuery();
    await listTasks(ctx);
  });
  composer.callbackQuery(/^tl:(\d{1,4})$/, async (ctx) =>
    editInPlace(ctx, await taskPage(ctx, Number(ctx.match[1]))),
  );
  // A task of the list opens as its card, with its buttons, below the list.
  composer.callbackQuery(/^to:([0-9a-f]{24})$/, async (ctx) => {
    let task;
    try {
      task = await deps.engine.rights.openTask(ctx.match[1]!, actorOf(ctx));
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      return refuse(ctx, error);
    }
    const card = await taskCardOf(ctx, task);
    await ctx.answerCallbackQuery();
    await ctx.reply(card.text, { reply_markup: card.keyboard });
  });

  // `/task Позвонить в бухгалтерию` — a task for myself, due tomorrow at 10:00.
  composer.command('task', async (ctx) => {
    const title = ctx.match.trim();
    if (!title) return ctx.reply(ctx.t('bot:task.usage'));
    const task = await deps.engine.addTask(actorOf(ctx), { title, due: tomorrowAtTen(deps) });
    const card = taskCard(task, ctx.t, ctx.lng, deps.timeZone, deps.clock.now());
    await ctx.reply(card.text, { reply_markup: card.keyboard });
  });

  /**
   * Runs a use case for a button and shows its outcome on the card. A client's card that carries
   * the task keeps the client's words: it loses the task's buttons and the outcome follows it.
   */
  const attempt = async (ctx: StaffMemberContext, taskId: string, work: () => Promise<string>) => {
    try {
      const done = await work();
      await ctx.answerCallbackQuery();
      const card = ctx.callbackQuery?.message;
      const left = withoutTaskButtons(card?.reply_markup, taskId);
      if (!card || !left) return await ctx.editMessageText(done);
      await ctx.editMessageReplyMarkup({ reply_markup: left });
      await ctx.reply(done, {
        reply_parameters: { message_id: card.message_id, allow_sending_without_reply: true },
      });
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      await refuse(ctx, error);
    }
  };

  const complete = (ctx: StaffMemberContext, taskId: string, input: CompleteInput) =>
    attempt(ctx, taskId, async () => {
      // Read before Done, as the person may see it; Done refuses someone else's task itself.
      const described = await deps.engine.queries.describeTask(taskId, actorOf(ctx));
      await deps.engine.completeTask(taskId, actorOf(ctx), input);
      if (!described) throw new ProcessError('not_found');
      return ctx.t('bot:task.completed', { title: text(described.task.title, ctx.lng) });
    });

  composer.callbackQuery(/^t:d:([0-9a-f]{24})$/, async (ctx) => {
    const taskId = ctx.match[1]!;
    const described = await deps.engine.queries.describeTask(taskId, actorOf(ctx));
    const onDone = described?.step?.onDone;
    // Whatever Done would refuse (someone else's task, empty required fields) is said before a
    // choice is asked for; choices list colleagues, so only someone who may act sees them.
    try {
      await deps.engine.checkCompletion(taskId, actorOf(ctx));
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      return refuseOfferingFill(ctx, error, described?.task.subject);
    }
    // Steps that need a choice ask for it first; the choice comes back as its own button.
    if (described?.task.status === 'open' && onDone?.assign) {
      const keyboard = new InlineKeyboard();
      for (const manager of await deps.engine.queries.managersOf(onDone.assign)) {
        keyboard.text(manager.name, callbacks.assign(taskId, manager.id)).row();
      }
      await ctx.answerCallbackQuery();
      return ctx.reply(ctx.t('bot:task.chooseManager'), { reply_markup: keyboard });
    }
    if (described?.task.status === 'open' && onDone?.convert) {
      const types = deps.engine.queries.dealTypes;
      await ctx.answerCallbackQuery();
      return ctx.reply(ctx.t('moves:handOff.choose'), {
        reply_markup: dealTypesKeyboard(taskId, types, 0, ctx.t, ctx.lng),
      });
    }
    await complete(ctx, taskId, {});
  });

  composer.callbackQuery(/^t:a:([0-9a-f]{24}):([0-9a-f]{24})$/, (ctx) =>
    complete(ctx, ctx.match[1]!, { assignTo: ctx.match[2]! }),
  );

  // A deal type pressed: its ✅ comes or goes, in place.
  composer.callbackQuery(TOGGLE_PRESS, async (ctx) => {
    const types = deps.engine.queries.dealTypes;
    const mask = Number(ctx.match[2]);
    if (!typesOf(mask, types)) return refuse(ctx, new ProcessError('unknown_deal_type'));
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({
      reply_markup: dealTypesKeyboard(ctx.match[1]!, types, mask, ctx.t, ctx.lng),
    });
  });
  composer.callbackQuery(HAND_OFF_DONE, async (ctx) => {
    const dealTypes = typesOf(Number(ctx.match[2]), deps.engine.queries.dealTypes);
    if (!dealTypes) return refuse(ctx, new ProcessError('unknown_deal_type'));
    if (dealTypes.length === 0)
      return ctx.answerCallbackQuery({ text: ctx.t('moves:handOff.none'), show_alert: true });
    return complete(ctx, ctx.match[1]!, { dealTypes });
  });

  composer.callbackQuery(/^t:r:([0-9a-f]{24})$/, async (ctx) => {
    const taskId = ctx.match[1]!;
    if (!(await deps.engine.queries.mayHandle(taskId, actorOf(ctx))))
      return refuse(ctx, new ProcessError('not_allowed'));
    const keyboard = new InlineKeyboard();
    for (const colleague of await deps.engine.queries.colleaguesFor(taskId, actorOf(ctx))) {
      keyboard.text(colleague.name, callbacks.give(taskId, colleague.id)).row();
    }
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('bot:task.chooseColleague'), { reply_markup: keyboard });
  });

  const handOver = (ctx: StaffMemberContext, taskId: string, userId: string) =>
    attempt(ctx, taskId, async () => {
      const task = await deps.engine.reassignTask(taskId, actorOf(ctx), userId);
      return ctx.t('bot:task.reassigned', { title: text(task.title, ctx.lng) });
    });
  composer.callbackQuery(/^t:g:([0-9a-f]{24}):([0-9a-f]{24})$/, (ctx) =>
    handOver(ctx, ctx.match[1]!, ctx.match[2]!),
  );
  // Take, on the heads' red alert: the alert itself then says who took it, for every head.
  composer.callbackQuery(/^t:t:([0-9a-f]{24})$/, async (ctx) => {
    let task: Task;
    try {
      task = await deps.engine.reassignTask(ctx.match[1]!, actorOf(ctx), ctx.staff.id);
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      return refuse(ctx, error);
    }
    await ctx.answerCallbackQuery();
    await showTaken(ctx, deps, task);
  });

  // Problem: the presser says what is wrong in a reply; the deal goes back to sales in red.
  composer.callbackQuery(/^t:x:([0-9a-f]{24})$/, async (ctx) => {
    const taskId = ctx.match[1]!;
    if (!(await deps.engine.queries.mayHandle(taskId, actorOf(ctx))))
      return refuse(ctx, new ProcessError('not_allowed'));
    await ctx.answerCallbackQuery();
    await prompts.ask(ctx, ctx.t('bot:task.askProblem'), { kind: 'problem', taskId });
  });

  composer.on('message:text', async (ctx, next) => {
    const answer = prompts.answered(ctx, 'problem');
    if (!answer) return next();
    const described = await deps.engine.queries.describeTask(answer.pending.taskId, actorOf(ctx));
    if (!described?.task.subject) return ctx.reply(ctx.t('bot:errors.not_found'));
    try {
      await deps.engine.raiseProblem(described.task.subject, actorOf(ctx), ctx.message.text);
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      return ctx.reply(ctx.t(`bot:errors.${error.code}`, { fields: '' }));
    }
    answer.settle();
    await ctx.reply(ctx.t('bot:task.problemRaised'));
  });

  composer.callbackQuery(/^t:p:([0-9a-f]{24}):(1h|tm)$/, (ctx) =>
    attempt(ctx, ctx.match[1]!, async () => {
      const to =
        ctx.match[2] === '1h'
          ? new Date(deps.clock.now().getTime() + 60 * 60_000)
          : tomorrowAtTen(deps);
      const task = await deps.engine.postponeTask(ctx.match[1]!, to, actorOf(ctx));
      return ctx.t('bot:task.postponed', { due: formatDate(task.due, ctx.lng, deps.timeZone) });
    }),
  );

  composer.callbackQuery(/^t:p:([0-9a-f]{24}):pick$/, async (ctx) => {
    const args: PickDueArgs = { taskId: ctx.match[1]! };
    try {
      // Fails fast on a closed or someone else's task; the postponement checks again.
      await deps.engine.rights.openTask(args.taskId, actorOf(ctx));
    } catch (error) {
      if (!(error instanceof ProcessError)) throw error;
      return refuse(ctx, error);
    }
    await ctx.answerCallbackQuery();
    await startDialog(ctx, PICK_DUE, args);
  });

  return composer;
}
