import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * "A query without the actor's scope does not compile": the probe is compiled as it is (every
 * `@ts-expect-error` there is used, so no error) and with those comments blanked out, when each
 * line they marked must fail — a scope type loosened until a plain filter fits breaks this test.
 */
const root = path.resolve(__dirname, '../..');
const probe = path.join(root, 'tests/types/access-scope.probe.ts');
const MARK = /^\s*\/\/ @ts-expect-error\b.*$/;

function compile(text: string): readonly ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!;
  const host = ts.createCompilerHost(config.options);
  const read = host.readFile.bind(host);
  host.readFile = (file) => (path.resolve(file) === probe ? text : read(file));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === probe
      ? ts.createSourceFile(file, text, language)
      : getSourceFile(file, language, ...rest);
  const program = ts.createProgram([probe], { ...config.options, noEmit: true }, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(probe));
}

const lineOf = (diagnostic: ts.Diagnostic) =>
  diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start!).line;

describe('staff-facing queries and the access scope', () => {
  const source = readFileSync(probe, 'utf8');
  const lines = source.split('\n');
  const marked = lines.flatMap((line, at) => (MARK.test(line) ? [at + 1] : []));

  it('compiles the probe, every refused query marked as such', () => {
    expect(marked.length).toBeGreaterThanOrEqual(8);
    const problems = compile(source).map(
      (d) => `${lineOf(d) + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
    expect(problems).toEqual([]);
  }, 60_000);

  it('refuses each marked query once its comment is gone', () => {
    const bare = lines.map((line) => (MARK.test(line) ? '' : line)).join('\n');
    const failing = new Set(compile(bare).map(lineOf));
    expect(marked.filter((line) => !failing.has(line))).toEqual([]);
    expect([...failing].sort((a, b) => a - b)).toEqual(marked);
  }, 60_000);
});
