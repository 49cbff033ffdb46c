import { findOnPath } from './executables';

/**
 * The servers the hub can start for itself when MONGODB_URI is unset (`LOCAL_DB_ENGINE`):
 * - `secantus`: SecantusDB's Python server over WiredTiger, installed from PyPI (the default);
 * - `secantus-rs`: SecantusDB's Rust server, built once per machine with cargo (≈ 20 min), faster;
 * - `ferretdb`: FerretDB 1.24 on SQLite, built with Go (no secondary indexes: every lookup scans);
 * - `mongod`: a MongoDB server on PATH (picked by itself when LOCAL_DB_ENGINE is unset).
 */
export const LOCAL_DB_ENGINES = ['secantus', 'secantus-rs', 'ferretdb', 'mongod'] as const;
export type LocalDbEngine = (typeof LOCAL_DB_ENGINES)[number];

function isEngine(value: string): value is LocalDbEngine {
  return (LOCAL_DB_ENGINES as readonly string[]).includes(value);
}

/**
 * The engine asked for, else a `mongod` on PATH when there is one, else SecantusDB. Empty counts
 * as unset, as in `.env` files.
 */
export function chooseEngine(
  requested: string | undefined = process.env.LOCAL_DB_ENGINE,
): LocalDbEngine {
  const value = requested?.trim();
  if (!value) return findOnPath('mongod') ? 'mongod' : 'secantus';
  if (!isEngine(value)) {
    throw new Error(
      `LOCAL_DB_ENGINE: expected one of ${LOCAL_DB_ENGINES.join(', ')}, got "${value}"`,
    );
  }
  return value;
}
