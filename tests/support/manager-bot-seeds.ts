import { SYSTEM } from '../../src/app/process/actor';
import type { ProcessRecord } from '../../src/domain/process/record';
import type { FakeUser } from './fake-telegram';
import { deliver, invite, registerTeam, world } from './manager-bot-world';

/**
 * What a test of the manager bot needs in place before it starts, each made by the test that
 * needs it, so a test passes alone (`-t`) as well as after the others. Names of clients are the
 * caller's: a test that searches or counts picks names no other test uses.
 */

const registered = (telegramId: number) =>
  world.hub.database.models.User.exists({ telegramId, active: { $ne: false } });

/** The admin, a dispatcher, a sales and an operations manager: registered once per world. */
export async function team(): Promise<void> {
  const { dispatcher, seller, operator } = world;
  const known = await Promise.all([dispatcher, seller, operator].map((p) => registered(p.id)));
  if (known.some((found) => !found)) await registerTeam();
}

/** A registered member of staff beyond the team (the head of sales, a second manager). */
export async function member(
  id: number,
  name: string,
  role: string,
  department: string,
): Promise<FakeUser> {
  await team();
  const person = world.telegram.user(id, name);
  if (!(await registered(id))) await invite(role, department, person);
  return person;
}

/** The person's bot speaks this language from now on (as `/lang` sets it). */
export async function speaks(person: FakeUser, language: 'ru' | 'en'): Promise<void> {
  await team();
  const { User } = world.hub.database.models;
  const user = await User.findOne({ telegramId: person.id }).lean();
  if (user?.language !== language) await person.command(`/lang ${language}`);
}

/**
 * A customer's lead that the routing rules gave to `owner`, who has its first task's card
 * ("Contact the client") in their chat.
 */
export async function leadFor(owner: FakeUser, clientName: string): Promise<ProcessRecord> {
  await team();
  const { Contact, User } = world.hub.database.models;
  const user = await User.findOne({ telegramId: owner.id }).lean();
  const contact = await Contact.create({ name: clientName });
  const lead = await world.hub.process.engine.createLead(
    { contactId: contact._id.toHexString(), source: { kind: 'channel', channel: 'telegram' } },
    undefined,
    user!._id.toHexString(),
  );
  await deliver();
  return lead;
}

/** The owner presses Done on their newest task card, and the next card reaches them. */
export async function done(owner: FakeUser): Promise<void> {
  await owner.press(/^✅ (Готово|Done)$/);
  await deliver();
}

/**
 * A lead whose owner has done the sales steps up to the hand-off: it is at the proposal stage
 * with its required fields empty, and the owner's newest card is "Hand off to operations".
 */
export async function leadAtHandOff(owner: FakeUser, clientName: string): Promise<ProcessRecord> {
  const lead = await leadFor(owner, clientName);
  await done(owner); // first_contact
  await done(owner); // qualify → proposal
  await done(owner); // send_proposal
  expect(owner.lastText()).toMatch(/^📋 (Передать в делопроизводство|Hand off to operations)/);
  return lead;
}

/** A lead of the owner's at the hand-off with these fields filled, its card open in English. */
export async function handOffCard(
  owner: FakeUser,
  clientName: string,
  fields: Record<string, unknown> = {},
): Promise<ProcessRecord> {
  await speaks(owner, 'en');
  const lead = await leadAtHandOff(owner, clientName);
  if (Object.keys(fields).length > 0) {
    await world.hub.process.engine.fillFields(lead.subject, fields, SYSTEM);
  }
  const handOff = owner.history().findLast((m) => /^📋 Hand off to operations/.test(m.text));
  await owner.press('📄 Card', handOff);
  expect(owner.lastText()).toMatch(new RegExp(`^📄 Lead #\\d+ · ${clientName}\n`));
  return lead;
}

/** The values stored on the lead, by field. */
export async function fieldsOf(lead: ProcessRecord): Promise<Record<string, unknown>> {
  const stored = await world.hub.database.models.Lead.findById(lead.subject.id).lean();
  return stored!.fields as Record<string, unknown>;
}

/** The record's number, as its cards show it. */
export async function numberOf(lead: ProcessRecord): Promise<number> {
  const stored = await world.hub.database.models.Lead.findById(lead.subject.id).lean();
  return stored!.number!;
}
