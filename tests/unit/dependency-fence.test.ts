import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The fence of `.dependency-cruiser.cjs` holds: a probe file placed in a layer imports what that
 * layer may not, in each of the ways an import can be written, and the check must name it. The
 * probes live in the real tree for the run (rules match real paths) and are removed after it.
 */
const root = path.resolve(__dirname, '../..');
const probes: Record<string, { code: string; caught: boolean }> = {
  'src/domain/fence-probe-store.ts': {
    code: "import { connectDatabase } from '../store/database';\nexport const x = connectDatabase;",
    caught: true,
  },
  'src/domain/fence-probe-framework.ts': {
    code: "import mongoose from 'mongoose';\nexport const x = mongoose;",
    caught: true,
  },
  'src/domain/fence-probe-node.ts': {
    code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;",
    caught: true,
  },
  'src/app/fence-probe-directory.ts': {
    code: "import { registerModels } from '../store/models';\nexport const x = registerModels;",
    caught: true,
  },
  'src/app/fence-probe-type.ts': {
    code: "import type { Logger } from '../infra/logger';\nexport type X = Logger;",
    caught: true,
  },
  'src/app/fence-probe-dynamic.ts': {
    code: "export const x = () => import('../infra/logger');",
    caught: true,
  },
  // The sandbox drives the bot through its stand-in, never by calling into it.
  'src/sandbox/fence-probe-bot.ts': {
    code: "import { createManagerBot } from '../../bots/manager/manager-bot';\nexport const x = createManagerBot;",
    caught: true,
  },
  'channels/telegram/fence-probe-channel.ts': {
    code: "import { sendVkMessage } from '../vk/vk-send';\nexport const x = sendVkMessage;",
    caught: true,
  },
  'channels/vk/fence-probe-store.ts': {
    code: "import type { Models } from '../../src/store/models';\nexport type X = Models;",
    caught: true,
  },
  'bots/manager/fence-probe-store.ts': {
    code: "import type { Models } from '../../src/store/models';\nexport type X = Models;",
    caught: true,
  },
  'src/http/fence-probe-store.ts': {
    code: "import { registerModels } from '../store/models';\nexport const x = registerModels;",
    caught: true,
  },
  'src/store/fence-probe-app-value.ts': {
    code: "import { leaseMaker } from '../app/lease';\nexport const x = leaseMaker;",
    caught: true,
  },
  // What the layers may do stays allowed: a store implements a use case's port by its type.
  'src/store/fence-probe-app-type.ts': {
    code: "import type { Lease } from '../app/lease';\nexport type X = Lease;",
    caught: false,
  },
  'bots/manager/fence-probe-app.ts': {
    code: "import { leaseMaker } from '../../src/app/lease';\nexport const x = leaseMaker;",
    caught: false,
  },
};

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function cruise(files: string[]): Violation[] {
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'json',
      '--max-depth',
      '1',
      ...files,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (!run.stdout) throw new Error(`dependency-cruiser produced nothing: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('the dependency fence', () => {
  let violations: Violation[];
  beforeAll(() => {
    for (const [file, probe] of Object.entries(probes)) {
      writeFileSync(path.join(root, file), `${probe.code}\n`);
    }
    try {
      violations = cruise(Object.keys(probes));
    } finally {
      for (const file of Object.keys(probes)) rmSync(path.join(root, file), { force: true });
    }
  }, 60_000);

  it.each(Object.entries(probes))('%s', (file, probe) => {
    const caught = violations.filter((v) => v.from === file);
    if (probe.caught) expect(caught.map((v) => v.rule.name)).toContain('not-in-allowed');
    else expect(caught).toEqual([]);
  });

  it('finds nothing to refuse in the code as it is', () => {
    expect(cruise(['src', 'channels', 'bots', 'widget'])).toEqual([]);
  }, 60_000);
});
