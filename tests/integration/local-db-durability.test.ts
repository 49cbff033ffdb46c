import os from 'node:os';
import { MongoClient, type Document } from 'mongodb';
import { chooseEngine } from '../../src/infra/local-db/local-db';
import { startTestServer, type TestServer } from '../support/local-server';

/**
 * The embedded database as `npm start` runs it (same engine, same flags), in its own temp dir and
 * port: a crash of its process must not lose what it acknowledged, and lookups must use indexes.
 */
const engine = chooseEngine();
const connect = (uri: string) =>
  new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, runtimeAdapters: { os } });

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

describe(`the embedded database (${engine})`, () => {
  it('keeps every acknowledged write when its process is killed with SIGKILL', async () => {
    const N = 300;
    const before = connect(server.db.uri);
    const docs = before.db().collection('crash');
    for (let i = 0; i < N; i++) await docs.insertOne({ i, body: 'x'.repeat(200) });
    await docs.updateOne({ i: N - 1 }, { $set: { last: true } });

    const pid = server.db.pid;
    await server.db.kill('SIGKILL');
    expect(() => process.kill(pid!, 0)).toThrow(); // the process is really gone
    await before.close(true).catch(() => {});

    await server.restart();
    const after = connect(server.db.uri);
    try {
      const kept = after.db().collection('crash');
      expect(await kept.countDocuments()).toBe(N);
      expect((await kept.distinct('i')).length).toBe(N);
      expect(await kept.findOne({ i: N - 1 })).toMatchObject({ last: true });
    } finally {
      await after.close();
    }
  });

  // FerretDB 1.24 on SQLite pushes only `_id` filters down: every other lookup is a full scan.
  (engine === 'ferretdb' ? it.skip : it)(
    'answers a lookup on an indexed field from the index',
    async () => {
      const client = connect(server.db.uri);
      try {
        const docs = client.db().collection('lookup');
        await docs.createIndex({ key: 1 }, { unique: true });
        await docs.insertMany(Array.from({ length: 2000 }, (_, n) => ({ key: `k${n}`, n })));

        const explained: Document = await docs.find({ key: 'k1234' }).explain('executionStats');
        const stages: Document[] = [];
        const walk = (stage: Document | undefined) => {
          if (!stage) return;
          stages.push(stage);
          walk(stage.inputStage as Document | undefined);
        };
        walk(explained.queryPlanner?.winningPlan as Document | undefined);
        // IXSCAN, or MongoDB 8's EXPRESS_IXSCAN for a lookup on a unique index.
        const scan = stages.find((stage) => /^(EXPRESS_)?IXSCAN$/.test(String(stage.stage)));
        expect(scan?.indexName).toBe('key_1');
        expect(explained.executionStats?.totalDocsExamined).toBe(1);
        expect(await docs.findOne({ key: 'k1234' })).toMatchObject({ n: 1234 });
      } finally {
        await client.close();
      }
    },
  );
});
