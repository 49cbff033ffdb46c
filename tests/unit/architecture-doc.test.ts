import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * ARCHITECTURE.md names one real file per step of a message's path: a file renamed or split
 * without the page following would send a reader nowhere. Every backticked path in it must exist.
 */
const root = path.resolve(__dirname, '../..');
const page = readFileSync(path.join(root, 'ARCHITECTURE.md'), 'utf8');

/** Backticked words that are paths: a folder or a file with an extension, no spaces or calls. */
function namedPaths(markdown: string): string[] {
  const quoted = [...markdown.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!);
  return [
    ...new Set(
      quoted
        .filter((text) => /^[\w.<>/-]+$/.test(text))
        .filter((text) => text.includes('/') || /\.\w+$/.test(text))
        // `channels/<name>/` stands for every channel: one of them must be there.
        .map((text) => text.replace('<name>', 'vk')),
    ),
  ];
}

describe('ARCHITECTURE.md', () => {
  it('names only paths that exist', () => {
    const named = namedPaths(page);
    // The page follows a message through some twenty files; far fewer means the parsing broke.
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((name) => !existsSync(path.join(root, name)))).toEqual([]);
  });

  it('is linked from the README', () => {
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('(ARCHITECTURE.md)');
  });
});
