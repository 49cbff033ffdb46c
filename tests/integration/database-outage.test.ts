import type { Hub } from '../../src/hub';
import { eventually } from '../support/database';
import { getHealth, startTestHub } from '../support/hub';
import { startTestServer, type TestServer } from '../support/local-server';

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
    expect((await getHealth(hub)).status).toBe(200);

    await server.db.stop();
    const down = await eventually(async () => {
      const health = await getHealth(hub);
      return health.status === 503 && health;
    });
    expect(down.body).toEqual({ status: 'unavailable', database: 'down' });

    await server.restart();
    await eventually(async () => (await getHealth(hub)).status === 200);

    // The same connection works again and the data written before the outage is still there.
    await hub.database.models.Department.create({ code: 'ops', name: 'Делопроизводство' });
    const codes = await hub.database.models.Department.find().distinct('code');
    expect(codes.sort()).toEqual(['ops', 'sales']);
  });
});
