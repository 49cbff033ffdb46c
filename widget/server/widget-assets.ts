import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleForBrowsers } from '../../src/infra/browser-bundle';
import { PROJECT_ROOT } from '../../src/infra/project-root';

const ENTRY = path.join(PROJECT_ROOT, 'widget', 'src', 'main.ts');
const DEMO_PAGE = path.join(PROJECT_ROOT, 'widget', 'demo.html');

export interface WidgetAssets {
  /** The embeddable script with every language's texts, `lang` being the default one. */
  script(lang: string): Promise<string>;
  /** The demo page, embedding `/widget.js` with the hub's site key. */
  demoPage(options: { siteKey: string; lang: string }): string;
}

/**
 * Bundles the browser client with esbuild in memory, once per language and on first request, so
 * there is no build step to forget and nothing to download. A failed build is not cached: the
 * next request tries again.
 */
export function createWidgetAssets(strings: Record<string, Record<string, unknown>>): WidgetAssets {
  const scripts = new Map<string, Promise<string>>();
  return {
    script(lang) {
      let script = scripts.get(lang);
      if (!script) {
        script = bundle(strings, lang);
        scripts.set(lang, script);
        script.catch(() => scripts.delete(lang));
      }
      return script;
    },
    demoPage({ siteKey, lang }) {
      return readFileSync(DEMO_PAGE, 'utf8')
        .replaceAll('%SITE_KEY%', escapeHtml(siteKey))
        .replaceAll('%LANG%', escapeHtml(lang));
    },
  };
}

function bundle(strings: Record<string, unknown>, lang: string): Promise<string> {
  return bundleForBrowsers(ENTRY, {
    __LINEHUB_WIDGET_STRINGS__: JSON.stringify(strings),
    __LINEHUB_WIDGET_LANG__: JSON.stringify(lang),
  });
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
