import type { Hub } from '../../src/hub';
import { testDatabaseUri } from '../support/database';
import { startTestHub } from '../support/hub';

const API_TOKEN = 'records-api-token-0123456789';

let hub: Hub;
beforeAll(async () => {
  hub = await startTestHub(testDatabaseUri(), {
    API_TOKEN,
    INTEGRATION_KEYS: 'site=site-form-key-0123',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '3',
  });
});
afterAll(async () => {
  await hub.database.connection.dropDatabase();
  await hub.stop();
});

const post = (path: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${hub.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name: 'Ива', phone: '+79161234567' }),
  });

describe('rate limits on the public APIs', () => {
  it('answers 429 past the limit, guessed keys included, and stores nothing more', async () => {
    const statuses: number[] = [];
    for (const key of ['guess-1', 'guess-2', 'guess-3', 'site-form-key-0123']) {
      statuses.push((await post('/api/forms/contact', { 'x-api-key': key })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await hub.database.models.Lead.countDocuments()).toBe(0);
  });

  it('limits the records API too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await post('/api/records/lead/0123456789abcdef01234567/stage')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
