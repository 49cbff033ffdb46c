import { existsSync } from 'node:fs';
import path from 'node:path';
import { findOnPath, run } from './executables';

/** Pinned: SecantusDB is beta, so an upgrade is a deliberate change here, not a side effect. */
export const SECANTUS_VERSION = '0.7.0b3';
const SECANTUS_PACKAGE = 'SecantusDB';

function venvDir(toolsDir: string): string {
  return path.join(toolsDir, 'secantus');
}

export function secantusBinary(toolsDir: string): string {
  return path.join(venvDir(toolsDir), 'bin', 'secantusd-py');
}

/** The version installed in the venv, or undefined when there is no working venv or package. */
async function installedVersion(toolsDir: string): Promise<string | undefined> {
  const python = path.join(venvDir(toolsDir), 'bin', 'python');
  if (!existsSync(python) || !existsSync(secantusBinary(toolsDir))) return undefined;
  try {
    const script = `import importlib.metadata as m; print(m.version('${SECANTUS_PACKAGE}'))`;
    return (await run(python, ['-c', script])).trim();
  } catch {
    return undefined; // a venv whose Python was removed or upgraded away, or a broken install
  }
}

/**
 * Installs SecantusDB's Python server (`secantusd-py`) from PyPI into its own venv under
 * `<toolsDir>/secantus`: Python 3.10+ with the venv module, no compiler (wheels), under a minute.
 * Does nothing when the pinned version is already there.
 */
export async function ensureSecantus(
  toolsDir: string,
  log: (line: string) => void = () => {},
): Promise<string> {
  const binary = secantusBinary(toolsDir);
  if ((await installedVersion(toolsDir)) === SECANTUS_VERSION) return binary;

  const python = findOnPath('python3');
  if (!python) {
    throw new Error(
      'SecantusDB is not installed and python3 is not on PATH: install Python 3.10+ with venv ' +
        '(Debian/Ubuntu: apt-get install python3 python3-venv), or set LOCAL_DB_ENGINE=ferretdb',
    );
  }
  try {
    await run(python, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)']);
  } catch {
    const version = (await run(python, ['--version']).catch(() => '')).trim();
    throw new Error(`SecantusDB needs Python 3.10 or newer; python3 here is ${version || 'older'}`);
  }

  log(`installing SecantusDB ${SECANTUS_VERSION} from PyPI into ${venvDir(toolsDir)} (once)…`);
  try {
    await run(python, ['-m', 'venv', '--clear', venvDir(toolsDir)]);
  } catch (error) {
    throw new Error(
      `could not create a Python venv (Debian/Ubuntu: apt-get install python3-venv):\n` +
        (error as Error).message,
    );
  }
  await run(path.join(venvDir(toolsDir), 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--no-input',
    `${SECANTUS_PACKAGE}==${SECANTUS_VERSION}`,
  ]);
  const version = await installedVersion(toolsDir);
  if (version !== SECANTUS_VERSION) {
    throw new Error(`SecantusDB install left version ${version ?? 'none'} in ${venvDir(toolsDir)}`);
  }
  return binary;
}
