import { DateTime } from 'luxon';
import { SYSTEM } from '../../src/app/process/actor';
import type { Hub } from '../../src/hub';
import { buttonsOf, type FakeUser } from '../support/fake-telegram';
import { registerTeam, useManagerBotWorld, world, ZONE } from '../support/manager-bot-world';

let hub: Hub;
let seller: FakeUser;
let operator: FakeUser;

useManagerBotWorld();
beforeAll(async () => {
  ({ hub, seller, operator } = world);
  await registerTeam();
  await seller.command('/lang en');
});

/**
 * Opens "Pick a date" on the seller's ad-hoc task card, making the task first when the seller has
 * none open (a test run alone); answers the task as it was before.
 */
async function pickDateForAccountantCall() {
  const { Task, User } = hub.database.models;
  const me = await User.findOne({ telegramId: seller.id }).lean();
  const open = { 'title.en': 'Call the accountant', status: 'open' as const, assigneeId: me!._id };
  if (!(await Task.exists(open))) await seller.command('/task Call the accountant');
  const task = await Task.findOne(open).lean();
  const card = seller.history().findLast((m) => /^📋 Call the accountant/.test(m.text))!;
  await seller.press('📆 Pick a date', card);
  return task;
}

/** How many times the seller has been told a task moved. */
const postponedNotes = () =>
  seller.texts().filter((text) => text.startsWith('⏰ Postponed')).length;

/** The accountant call's due time as the seller's /tasks shows it. */
async function dueInTasks(): Promise<string | undefined> {
  await seller.command('/tasks');
  return /\d+\. Call the accountant — ⏱ (.+)/.exec(seller.lastText())?.[1];
}

describe('postponing a task to a date typed or picked', () => {
  it('postpones a task to a date and time typed in the company time zone', async () => {
    await seller.command('/task Call the accountant');
    const card = seller.history().at(-1)!;
    expect(buttonsOf(card).map((button) => button.text)).toContain('📆 Pick a date');
    const task = await hub.database.models.Task.findOne({
      'title.en': 'Call the accountant',
    }).lean();

    await seller.press('📆 Pick a date', card);
    expect(seller.lastText()).toMatch(/^When should it move to\?.*\(company time, UTC\+5\)/);
    await seller.say({ text: 'some day' });
    expect(seller.lastText()).toMatch(/^I could not read that/);
    await seller.say({ text: '25.12.2031 15:00' });
    expect(seller.lastText()).toMatch(/^⏰ Postponed to 25 Dec.* 15:00$/);
    expect(postponedNotes()).toBe(1);
    const shown = seller.lastText().replace('⏰ Postponed to ', '');

    const moved = await hub.database.models.Task.findById(task!._id).lean();
    expect(moved!.due).toEqual(new Date('2031-12-25T10:00:00Z'));
    expect(await dueInTasks()).toBe(shown);
  });

  it('refuses a past date, changing nothing, and takes "tomorrow 12:00" next', async () => {
    const task = await pickDateForAccountantCall();
    const notes = postponedNotes();
    await seller.say({ text: '01.01.2020 10:00' });
    expect(seller.lastText()).toBe('Choose a time in the future. Try again, or /cancel.');
    const unchanged = await hub.database.models.Task.findById(task!._id).lean();
    expect(unchanged!.due).toEqual(task!.due);
    expect(postponedNotes()).toBe(notes);

    await seller.say({ text: 'завтра 12:00' });
    const tomorrow = DateTime.now()
      .setZone(ZONE)
      .plus({ days: 1 })
      .set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
    const moved = await hub.database.models.Task.findById(task!._id).lean();
    expect(moved!.due).toEqual(tomorrow.toJSDate());
    expect(postponedNotes()).toBe(notes + 1);
    expect(await dueInTasks()).toBe(
      seller
        .texts()
        .findLast((text) => text.startsWith('⏰'))!
        .replace('⏰ Postponed to ', ''),
    );
  });

  it('checks rights when the date is given, not when the dialog began', async () => {
    const task = await pickDateForAccountantCall();
    const other = await hub.database.models.User.findOne({ telegramId: operator.id }).lean();
    await hub.process.engine.reassignTask(
      task!._id.toHexString(),
      SYSTEM,
      other!._id.toHexString(),
    );

    const notes = postponedNotes();
    await seller.say({ text: 'tomorrow 15:00' });
    expect(seller.lastText()).toBe('Sorry, you are not allowed to do this.');
    const kept = await hub.database.models.Task.findById(task!._id).lean();
    expect(kept!.due).toEqual(task!.due);
    expect(postponedNotes()).toBe(notes);
  });
});
