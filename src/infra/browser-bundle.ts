import { build } from 'esbuild';

/**
 * A browser script built in memory from its TypeScript entry (the widget, the sandbox page): one
 * minified file for the browsers the widget supports. `define`: values baked in at build time.
 */
export async function bundleForBrowsers(
  entry: string,
  define: Record<string, string> = {},
): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    define,
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no bundle for ${entry}`);
  return output.text;
}
