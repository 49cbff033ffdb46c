import type { Hub } from '../../src/hub';
import { eventually } from '../support/database';
import { startTestHub } from '../support/hub';
import { startTestServer, type TestServer } from '../support/local-server';

/** Readiness follows the database; /health is liveness and stays 200 (edges-database.test.ts). */
async function getReady(hub: Hub): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${hub.port}/ready`);
  return { status: response.status, body: await response.json() };
}

let server: TestServer;
let hub: Hub;
beforeAll(async () => {
  server = await startTestServer();
  hub = await startTestHub(server.db.uri);
});
afterAll(async () => {
  await hub.stop();
  await server.dispose();
});

describe('when the database goes away', () => {
  it('answers 503 while it is down, keeps running, and recovers when it returns', async () => {
    await hub.database.models.Department.create({ code: 'sales', name: 'Отдел продаж' });
    expect((await getReady(hub)).status).toBe(200);

    await server.db.stop();
    const down = await eventually(async () => {
      const ready = await getReady(hub);
      return ready.status === 503 && ready;
    });
    expect(down.body).toEqual({ status: 'unavailable', database: 'down' });

    await server.restart();
    await eventually(async () => (await getReady(hub)).status === 200);

    // The same connection works again and the data written before the outage is still there.
    await hub.database.models.Department.create({ code: 'ops', name: 'Делопроизводство' });
    const codes = await hub.database.models.Department.find().distinct('code');
    expect(codes.sort()).toEqual(['ops', 'sales']);
  });
});
