import os from 'node:os';
import mongoose, { type Connection } from 'mongoose';
import type { DatabaseProbe } from '../domain/ports';
import type { Logger } from '../infra/logger';
import { registerModels, type Models } from './models';

export interface Database {
  connection: Connection;
  models: Models;
  probe: DatabaseProbe;
  close(): Promise<void>;
}

/**
 * Opens a dedicated connection (not mongoose's global one) and builds every index before the hub
 * takes traffic: the unique indexes are what make redeliveries harmless.
 */
export async function connectDatabase(uri: string, logger: Logger): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    autoIndex: false,
    serverSelectionTimeoutMS: 5000,
    runtimeAdapters: { os }, // the driver's own import('os') fails under Jest: empty handshake
    // Round trips are counted from the driver's command events (metrics, tests, the benchmark).
    monitorCommands: true,
  });
  connection.on('disconnected', () => logger.warn('database disconnected'));
  connection.on('reconnected', () => logger.info('database reconnected'));
  connection.on('error', (error: Error) => logger.error({ err: error }, 'database error'));
  await connection.asPromise();

  const models = registerModels(connection);
  for (const model of Object.values(models)) await model.createIndexes();

  const probe: DatabaseProbe = {
    async ping(timeoutMs) {
      const db = connection.db;
      if (!db) return false;
      try {
        await db.command({ ping: 1 }, { timeoutMS: timeoutMs });
        return true;
      } catch {
        return false;
      }
    },
  };
  return { connection, models, probe, close: () => connection.close() };
}

/** Mongo's duplicate-key error; the unique indexes turn races and redeliveries into this. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
  );
}
