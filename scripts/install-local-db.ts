/**
 * Prepares the local database for `npm start` and `npm test` so the first run does not stall:
 * nothing to do with MONGODB_URI set or a `mongod` as the engine, otherwise the engine chosen by
 * LOCAL_DB_ENGINE (default SecantusDB, from PyPI) is installed once into `.tools/`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chooseEngine, ensureEngine } from '../src/infra/local-db/local-db';
import { SECANTUS_VERSION } from '../src/infra/local-db/secantus-install';
import { SECANTUS_RUST_VERSION } from '../src/infra/local-db/secantus-rust-install';
import { PROJECT_ROOT } from '../src/infra/project-root';

async function main(): Promise<void> {
  const envFile = path.join(PROJECT_ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  if (process.env.MONGODB_URI) return console.log('MONGODB_URI is set; no local database needed');
  const engine = chooseEngine();
  if (engine === 'mongod') return console.log('using mongod from PATH');
  const binary = await ensureEngine(engine, path.join(PROJECT_ROOT, '.tools'), console.log);
  const names = {
    secantus: `SecantusDB ${SECANTUS_VERSION}`,
    'secantus-rs': `SecantusDB (Rust server) ${SECANTUS_RUST_VERSION}`,
    ferretdb: 'FerretDB',
  };
  console.log(`${names[engine]} ready: ${path.relative(PROJECT_ROOT, binary)}`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
