import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { connectDatabase, type Database } from '../../src/store/database';

export const silentLogger = pino({ level: process.env.LINEHUB_TEST_LOG ?? 'silent' });

export function testDatabaseUri(): string {
  const base = process.env.LINEHUB_TEST_MONGO;
  if (!base) throw new Error('LINEHUB_TEST_MONGO is not set: run the tests through jest');
  return `${base}/t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

/** A fresh, empty database with every index built, dropped again by `drop()`. */
export async function openTestDatabase(): Promise<Database & { drop(): Promise<void> }> {
  const database = await connectDatabase(testDatabaseUri(), silentLogger);
  return {
    ...database,
    async drop() {
      await database.connection.dropDatabase();
      await database.close();
    },
  };
}

/** Waits for a condition that depends on another process; never a fixed sleep. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 20_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
