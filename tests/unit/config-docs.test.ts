import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../src/config/env.schema';
import { PROJECT_ROOT } from '../../src/infra/project-root';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
const variables = Object.keys(envSchema.shape).sort();

describe('configuration documentation', () => {
  it('lists exactly the variables the hub reads in .env.example', () => {
    const documented = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map(
      (match) => match[1],
    );
    expect(documented.sort()).toEqual(variables);
  });

  it("has a row for every variable in the README's configuration table", () => {
    const rows = new Set(
      [...read('README.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]),
    );
    expect(variables.filter((name) => !rows.has(name))).toEqual([]);
  });
});
