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

export interface DatabaseTimeouts {
  /** DB_SERVER_SELECTION_TIMEOUT_MS */
  serverSelectionMs: number;
  /** DB_SOCKET_TIMEOUT_MS */
  socketMs: number;
}

export const DEFAULT_TIMEOUTS: DatabaseTimeouts = { serverSelectionMs: 2000, socketMs: 120_000 };

/**
 * Opens a dedicated connection (not mongoose's global one) and builds every index before the hub
 * takes traffic: the unique indexes are what make redeliveries harmless.
 */
export async function connectDatabase(
  uri: string,
  logger: Logger,
  timeouts: DatabaseTimeouts = DEFAULT_TIMEOUTS,
): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    autoIndex: false,
    // Fail fast on a sick database: an operation with no reachable server fails after this
    // instead of queueing, and a frozen server's socket is dropped instead of hanging forever.
    // No client-wide `timeoutMS`: it would also cut Agenda's and index builds' long commands.
    serverSelectionTimeoutMS: timeouts.serverSelectionMs,
    socketTimeoutMS: timeouts.socketMs,
    runtimeAdapters: { os }, // the driver's own import('os') fails under Jest: empty handshake
    // Round trips are counted from the driver's command events (metrics, tests, the benchmark).
    monitorCommands: true,
  });
  connection.on('disconnected', () => logger.warn('database disconnected'));
  connection.on('reconnected', () => logger.info('database reconnected'));
  connection.on('error', (error: Error) => logger.error({ err: error }, 'database error'));
  await connection.asPromise();

  const models = registerModels(connection);
  // Built as the schemas declare them, and those they no longer declare dropped: every index is
  // one more write for each document stored, so a retired one must not linger in old databases.
  for (const model of Object.values(models)) await model.syncIndexes();

  const probe: DatabaseProbe = {
    async ping(timeoutMs) {
      const db = connection.db;
      if (!db) return false;
      // The driver's own timeout is not enough: on a frozen server (the process stopped, the
      // socket open) the command was seen to hang far past it, so a timer answers "down".
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const answered = db.command({ ping: 1 }, { timeoutMS: timeoutMs }).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([answered, late]);
      } finally {
        clearTimeout(timer);
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
