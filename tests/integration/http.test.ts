import type { Hub } from '../../src/hub';
import { testDatabaseUri } from '../support/database';
import { getHealth, startTestHub } from '../support/hub';

let hub: Hub;
beforeAll(async () => {
  hub = await startTestHub(testDatabaseUri());
});
afterAll(async () => {
  await hub.database.connection.dropDatabase();
  await hub.stop();
});

describe('operations endpoints', () => {
  it('reports healthy when the database answers', async () => {
    expect(await getHealth(hub)).toEqual({
      status: 200,
      body: { status: 'ok', database: 'up' },
    });
  });

  it('exposes Prometheus metrics, including the requests it served', async () => {
    await getHealth(hub);
    const response = await fetch(`http://127.0.0.1:${hub.port}/metrics`);
    const text = await response.text();

    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/^# TYPE linehub_http_request_duration_seconds histogram$/m);
    expect(text).toMatch(
      /^linehub_http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*status="200"[^}]*\} [1-9]/m,
    );
    expect(text).toMatch(/^linehub_process_resident_memory_bytes \d+/m);
  });

  it('keeps an idle connection open longer than proxies do, and says so to the sender', async () => {
    // A sender reusing a connection the hub just closed gets a reset instead of an answer; with
    // Node's 5 s that happened under load. Proxies and load balancers close theirs at 60 s.
    const response = await fetch(`http://127.0.0.1:${hub.port}/health`);
    expect(response.headers.get('keep-alive')).toBe('timeout=65');
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await fetch(`http://127.0.0.1:${hub.port}/no-such-page`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found' });
  });
});
