/**
 * Prepares the local database for `npm start` and `npm test` so the first run does not stall:
 * nothing to do with MONGODB_URI set or a `mongod` on PATH, otherwise FerretDB is built once.
 */
import path from 'node:path';
import { ensureFerretDb } from '../src/infra/local-db/ferretdb-install';
import { findOnPath } from '../src/infra/local-db/executables';
import { PROJECT_ROOT } from '../src/infra/project-root';

async function main(): Promise<void> {
  if (process.env.MONGODB_URI) return console.log('MONGODB_URI is set; no local database needed');
  if (findOnPath('mongod')) return console.log('using mongod from PATH');
  const binary = await ensureFerretDb(path.join(PROJECT_ROOT, '.tools'), console.log);
  console.log(`FerretDB ready: ${path.relative(PROJECT_ROOT, binary)}`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
