import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { findOnPath, run } from './executables';

/** Versions tried in order; the Go proxy here has served one or the other. */
const FERRETDB_VERSIONS = ['v1.24.1', 'v1.24.2'];
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

export function ferretDbBinary(toolsDir: string): string {
  return path.join(toolsDir, 'bin', 'ferretdb');
}

/**
 * Builds FerretDB from the Go module proxy into `<toolsDir>/bin`. `go install …@version` is not
 * used because it also asks the proxy for the module's version list (refused here), and a build
 * from the read-only module cache panics on a missing build/version/version.txt, so the source is
 * copied and stamped with its version first.
 */
export async function ensureFerretDb(
  toolsDir: string,
  log: (line: string) => void = () => {},
): Promise<string> {
  const binary = ferretDbBinary(toolsDir);
  if (existsSync(binary)) return binary;
  const go = findOnPath('go');
  if (!go) throw new Error('FerretDB is not built and Go is not on PATH: install Go 1.22+');

  const failures: string[] = [];
  for (const version of FERRETDB_VERSIONS) {
    try {
      log(`building FerretDB ${version} (first run only, takes a few minutes)…`);
      const info = JSON.parse(
        await run(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${version}`]),
      ) as { Dir?: string; Error?: string };
      if (!info.Dir) throw new Error(info.Error ?? 'no module directory');
      const source = path.join(toolsDir, 'ferretdb-src');
      rmSync(source, { recursive: true, force: true });
      cpSync(info.Dir, source, { recursive: true });
      chmodSync(source, 0o755);
      await run('chmod', ['-R', 'u+w', source]);
      writeFileSync(path.join(source, 'build', 'version', 'version.txt'), `${version}\n`);
      mkdirSync(path.dirname(binary), { recursive: true });
      await run(go, ['build', '-trimpath', '-o', binary, './cmd/ferretdb'], { cwd: source });
      rmSync(source, { recursive: true, force: true });
      return binary;
    } catch (error) {
      failures.push(`${version}: ${(error as Error).message}`);
    }
  }
  throw new Error(`Could not build FerretDB:\n${failures.join('\n')}`);
}
