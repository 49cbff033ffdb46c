import type { Hub } from '../../src/hub';
import { testDatabaseUri } from '../support/database';
import { startTestHub } from '../support/hub';
import { seedCompany } from '../support/process';

let hub: Hub;

beforeAll(async () => {
  hub = await startTestHub(testDatabaseUri(), {
    HUB_SECRET: 'a-test-secret-of-enough-length',
    INTEGRATION_KEYS: 'site=site-key-123,calls=calls-key-456',
  });
  await seedCompany(hub.database);
});
afterAll(async () => {
  await hub.database.connection.dropDatabase();
  await hub.stop();
});

const models = () => hub.database.models;
const post = (route: string, body: string, headers: Record<string, string>) =>
  fetch(`http://127.0.0.1:${hub.port}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('site forms and call tracking', () => {
  const form = (body: Record<string, string>, key = 'site-key-123') =>
    post('/api/forms/contact-us', new URLSearchParams(body).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-api-key': key,
    });

  it('makes a lead with UTM tags from a form, and no second one when the same person calls', async () => {
    const created = await form({
      name: 'Ольга',
      phone: '8 (916) 555-12-34',
      comment: 'Перезвоните',
      page_url: 'https://example.ru/?utm_source=yandex&utm_campaign=winter',
    });
    expect(created.status).toBe(201);
    const { lead } = (await created.json()) as { lead: string };
    const stored = await models().Lead.findById(lead).lean();
    expect(stored).toMatchObject({
      source: { kind: 'form', formId: 'contact-us' },
      utm: { source: 'yandex', campaign: 'winter' },
      landingUrl: 'https://example.ru/?utm_source=yandex&utm_campaign=winter',
    });

    const call = await post(
      '/api/calls',
      JSON.stringify({ caller: '+79165551234', tracking_source: 'ads' }),
      { 'x-api-key': 'calls-key-456' },
    );
    expect(call.status).toBe(200);
    expect(await call.json()).toEqual({ lead, created: false });
    // Nothing is dropped: whoever has the lead gets the repeat call as a task.
    const task = await models()
      .Task.findOne({ 'subject.id': lead, 'title.ru': /снова звонил/ })
      .lean();
    expect(task?.title).toEqual({
      ru: 'Клиент в работе снова звонил',
      en: 'A client in progress called again',
    });
  });

  it('refuses an unknown key and a form without phone or email', async () => {
    expect((await form({ name: 'X', phone: '+79160000000' }, 'nope')).status).toBe(401);
    const noContact = await form({ name: 'Без контактов' });
    expect(noContact.status).toBe(422);
    expect(await noContact.json()).toEqual({ error: 'invalid_field' });
    expect(await models().Contact.countDocuments({ name: { $in: ['X', 'Без контактов'] } })).toBe(
      0,
    );
  });
});
