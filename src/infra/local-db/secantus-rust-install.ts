import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, run } from './executables';

/** Pinned, as the Python server is: a beta engine is upgraded on purpose, not by accident. */
export const SECANTUS_RUST_VERSION = '0.5.3-beta.196';
const CRATE = 'secantus-mdb';

/**
 * Outside the clone on purpose: the build takes ≈ 20 minutes on two cores, so it is done once
 * per machine and every fresh clone (and CI, if it keeps the cache) reuses it.
 */
function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'linehub', `secantus-rs-${SECANTUS_RUST_VERSION}`);
}

export function secantusRustBinary(): string {
  return path.join(cacheRoot(), 'bin', 'secantusd-rs');
}

/**
 * SecantusDB's Rust server (`LOCAL_DB_ENGINE=secantus-rs`): the same wire protocol and engine
 * checks as the Python server, with indexes the Agenda claim can use and ≈ 10× less time per
 * command (`../shared/tools/db-bakeoff/`). Built from crates.io with cargo (the vendored
 * WiredTiger needs a C compiler and cmake) the first time it is asked for.
 */
export async function ensureSecantusRust(log: (line: string) => void = () => {}): Promise<string> {
  const binary = secantusRustBinary();
  if (existsSync(binary)) return binary;
  const cargo = findOnPath('cargo');
  if (!cargo || !findOnPath('cmake')) {
    throw new Error(
      'LOCAL_DB_ENGINE=secantus-rs builds SecantusDB with cargo and cmake, which are not on PATH: ' +
        'install Rust (rustup.rs) and cmake, or leave LOCAL_DB_ENGINE unset for the Python server',
    );
  }
  log(
    `building SecantusDB's Rust server ${SECANTUS_RUST_VERSION} into ${cacheRoot()} ` +
      '(once per machine; about 20 minutes on two cores)…',
  );
  await run(cargo, [
    'install',
    '--locked',
    // The crate declares a newer Rust than it needs; the build is checked by the suite.
    '--ignore-rust-version',
    CRATE,
    '--version',
    SECANTUS_RUST_VERSION,
    '--root',
    cacheRoot(),
  ]);
  if (!existsSync(binary)) throw new Error(`cargo install left no ${binary}`);
  return binary;
}
