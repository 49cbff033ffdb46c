import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { SYSTEM } from '../../src/app/process/actor';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import type { Hub } from '../../src/hub';
import { testDatabaseUri } from '../support/database';
import { startTestHub } from '../support/hub';
import { seedCompany } from '../support/process';

const TOKEN = 'test-token-0123456789';
let hub: Hub;
let leadId: string;

/**
 * The default process, where a manager may also go from identifying the need straight to the
 * proposal, once the budget is known: a forward move by hand that waits for a required field.
 */
function definitionWithForwardMove(): string {
  const definition = YAML.parse(
    readFileSync(path.join(PROJECT_ROOT, 'config/process/default.yaml'), 'utf8'),
  ) as { lead: { stages: { id: string; requires?: unknown[]; moves?: string[] }[] } };
  const identification = definition.lead.stages.find((stage) => stage.id === 'identification')!;
  identification.requires = [{ field: 'budget', title: { ru: 'Бюджет', en: 'Budget' } }];
  identification.moves = ['proposal', 'junk'];
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'linehub-api-')), 'process.yaml');
  writeFileSync(file, YAML.stringify(definition));
  return file;
}

beforeAll(async () => {
  hub = await startTestHub(testDatabaseUri(), {
    API_TOKEN: TOKEN,
    PROCESS_DEFINITION: definitionWithForwardMove(),
  });
  const org = await seedCompany(hub.database);
  const contact = await hub.database.models.Contact.create({ name: 'ООО Север' });
  const lead = await hub.process.engine.createLead(
    { contactId: contact._id.toHexString(), source: { kind: 'manual', method: 'cold_call' } },
    org.sales1.id,
  );
  leadId = lead.subject.id;
});
afterAll(async () => {
  await hub.database.connection.dropDatabase();
  await hub.stop();
});

function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  return fetch(`http://127.0.0.1:${hub.port}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

const stage = async (id: string) => (await hub.database.models.Lead.findById(id).lean())!.stage;

describe('the integration API for records', () => {
  let lead: string;
  beforeAll(async () => {
    // A fresh cold-call lead walked to the proposal stage, whose required fields are empty.
    const [sales1] = await hub.database.models.User.find({ name: 'Продавец Семён' }).lean();
    const contact = await hub.database.models.Contact.create({ name: 'ООО Юг' });
    const created = await hub.process.engine.createLead(
      { contactId: contact._id.toHexString(), source: { kind: 'manual', method: 'cold_call' } },
      sales1!._id.toHexString(),
    );
    lead = created.subject.id;
    await hub.process.engine.fillFields(created.subject, { budget: '1 млн' }, SYSTEM);
    for (const step of ['first_contact', 'qualify']) {
      const task = await hub.database.models.Task.findOne({
        'subject.id': lead,
        status: 'open',
      }).lean();
      expect(task!.chain!.stepId).toBe(step);
      await hub.process.engine.completeTask(task!._id.toHexString(), SYSTEM);
    }
    expect(await stage(lead)).toBe('proposal');
  });

  it('moves back to an earlier stage although the required fields of this one are empty', async () => {
    const move = await call('POST', `/api/records/lead/${lead}/stage`, { to: 'identification' });
    expect(move.status).toBe(200);
    expect(await stage(lead)).toBe('identification');
  });

  it('refuses to go forward with empty required fields and names them', async () => {
    await hub.database.models.Lead.updateOne({ _id: lead }, { $unset: { 'fields.budget': 1 } });
    const response = await call('POST', `/api/records/lead/${lead}/stage`, { to: 'proposal' });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; missing: { field: string }[] };
    expect(body.error).toBe('missing_fields');
    expect(body.missing.map((field) => field.field)).toEqual(['budget']);
    expect(await stage(lead)).toBe('identification');
  });

  it('moves the record forward once the fields are filled', async () => {
    const fill = await call('PATCH', `/api/records/lead/${lead}/fields`, {
      fields: { budget: '2 млн' },
    });
    expect(fill.status).toBe(200);
    const move = await call('POST', `/api/records/lead/${lead}/stage`, { to: 'proposal' });
    expect(move.status).toBe(200);
    expect(await stage(lead)).toBe('proposal');
    // And back again, where the tests below expect it.
    const back = await call('POST', `/api/records/lead/${lead}/stage`, { to: 'identification' });
    expect(back.status).toBe(200);
    expect(await stage(lead)).toBe('identification');
  });

  it('checks a declared field by its type: a number is stored as one, words are refused', async () => {
    const fill = (employees: unknown) =>
      call('PATCH', `/api/records/lead/${lead}/fields`, { fields: { employees } });
    const refused = await fill('около сорока');
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({ error: 'invalid_field' });
    expect((await fill('1 200')).status).toBe(200);
    const stored = await hub.database.models.Lead.findById(lead).lean();
    expect((stored!.fields as Record<string, unknown>).employees).toBe(1200);
  });

  it('asks for a reason to close as junk', async () => {
    const response = await call('POST', `/api/records/lead/${lead}/stage`, { to: 'junk' });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: 'reason_required' });
  });

  it('answers each refusal of the process with its own status and code', async () => {
    const refusal = async (method: string, path: string, body: unknown) => {
      const response = await call(method, path, body);
      return [response.status, ((await response.json()) as { error: string }).error];
    };
    const contact = await hub.database.models.Contact.create({ name: 'ООО Восток' });
    const [sales1] = await hub.database.models.User.find({ name: 'Продавец Семён' }).lean();
    const fresh = await hub.process.engine.createLead(
      { contactId: contact._id.toHexString(), source: { kind: 'manual', method: 'cold_call' } },
      sales1!._id.toHexString(),
    );
    const path = `/api/records/lead/${fresh.subject.id}`;
    expect(await refusal('POST', `${path}/stage`, { to: 'nowhere' })).toEqual([
      409,
      'move_not_allowed',
    ]);
    expect(await refusal('PATCH', `${path}/fields`, { fields: { 'a.b': 1 } })).toEqual([
      422,
      'invalid_field',
    ]);
    expect(
      await refusal('POST', '/api/records/deal/0123456789abcdef01234567/stage', { to: 'x' }),
    ).toEqual([404, 'not_found']);
    const junk = await call('POST', `${path}/stage`, { to: 'junk', reason: 'спам' });
    expect(junk.status).toBe(200);
    expect(await refusal('POST', `${path}/stage`, { to: 'junk', reason: 'ещё раз' })).toEqual([
      409,
      'closed',
    ]);
  });

  it('refuses field names that could reach into other parts of the record', async () => {
    const response = await call('PATCH', `/api/records/lead/${lead}/fields`, {
      fields: { 'responsibles.sales': 'x' },
    });
    expect(response.status).toBe(422);
    expect(
      (await hub.database.models.Lead.findById(lead).lean())!.responsibles?.sales,
    ).toBeDefined();
  });

  it('refuses a missing or wrong token and changes nothing', async () => {
    for (const token of [null, 'wrong-token-0123456789']) {
      const response = await call(
        'POST',
        `/api/records/lead/${leadId}/stage`,
        { to: 'new' },
        token,
      );
      expect(response.status).toBe(401);
    }
    expect(await stage(leadId)).toBe('identification');
  });

  it('answers malformed JSON with 400, an oversized body with 413, an unknown record with 404', async () => {
    expect((await call('POST', `/api/records/lead/${lead}/stage`, '{"to": ')).status).toBe(400);
    const huge = JSON.stringify({ to: 'junk', reason: 'x'.repeat(2 * 1024 * 1024) });
    expect((await call('POST', `/api/records/lead/${lead}/stage`, huge)).status).toBe(413);
    expect(
      (
        await call('POST', '/api/records/lead/0123456789abcdef01234567/stage', {
          to: 'junk',
          reason: 'r',
        })
      ).status,
    ).toBe(404);
    expect((await call('POST', '/api/records/contact/x/stage', { to: 'junk' })).status).toBe(404);
    expect(await stage(lead)).toBe('identification');
  });
});
