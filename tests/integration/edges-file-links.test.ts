import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { filesRouter } from '../../src/http/files.router';
import { FILE_LINK_TTL_MS, FileLinks } from '../../src/infra/file-links';
import { createFileStore } from '../../src/store/repositories/file.repository';
import { openTestDatabase } from '../support/database';
import { ManualClock } from '../support/manual-timers';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let server: Server;
let port = 0;
const clock = new ManualClock(new Date('2026-12-01T07:00:00Z'));
const links = new FileLinks('a-test-secret-of-enough-length', () => `http://127.0.0.1:${port}`, {
  clock,
});

beforeAll(async () => {
  database = await openTestDatabase();
  const app = express().use(filesRouter({ files: createFileStore(database.models), links }));
  server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await database.drop();
});

describe('file links', () => {
  it('work until they expire, then answer 410; a moved expiry or no expiry is refused', async () => {
    const files = createFileStore(database.models);
    const stored = await files.put({
      name: 'план.pdf',
      mimeType: 'application/pdf',
      data: Buffer.from('%PDF'),
    });
    const link = links.url(stored.id, 'план.pdf');
    expect(link).toMatch(/\?exp=\d+&sig=/);
    expect((await fetch(link)).status).toBe(200);

    clock.set(new Date(clock.now().getTime() + FILE_LINK_TTL_MS - 1000));
    expect((await fetch(link)).status).toBe(200);

    clock.set(new Date(clock.now().getTime() + 2000));
    const expired = await fetch(link);
    expect(expired.status).toBe(410);
    expect(await expired.json()).toEqual({ error: 'expired' });

    // Pushing the expiry back breaks the signature; a link from before expiries is not enough.
    const moved = link.replace(/exp=\d+/, 'exp=99999999999');
    expect((await fetch(moved)).status).toBe(403);
    const withoutExpiry = link.replace(/exp=\d+&/, '');
    expect((await fetch(withoutExpiry)).status).toBe(403);
  });
});
