import express, { type Router } from 'express';
import type { Locale } from '../domain/user';
import { LOCALES } from '../infra/i18n';

/** Short, so a hub update reaches sites quickly; the ETag makes revalidation cheap. */
const SCRIPT_MAX_AGE_S = 300;

/** The widget's built files, as widget/server builds them. */
export interface WidgetScripts {
  /** The embeddable script with every language's texts, `lang` being the default one. */
  script(lang: Locale): Promise<string>;
  demoPage(options: { siteKey: string; lang: Locale }): string;
}

/** Serves the site widget's script and its demo page, in the language a site asks for. */
export function widgetRouter(deps: {
  assets: WidgetScripts;
  siteKey: string;
  defaultLocale: Locale;
}): Router {
  const languageOf = (query: unknown) => LOCALES.find((lng) => lng === query) ?? deps.defaultLocale;
  const router = express.Router();
  router.get('/widget.js', async (req, res) => {
    const script = await deps.assets.script(languageOf(req.query.lang));
    res
      .type('application/javascript; charset=utf-8')
      .set('Cache-Control', `public, max-age=${SCRIPT_MAX_AGE_S}`)
      // Sites on other origins load it; a hub behind a strict proxy must not block that.
      .set('Cross-Origin-Resource-Policy', 'cross-origin')
      .send(script);
  });
  router.get('/widget/demo', (req, res) => {
    res
      .type('html')
      .send(deps.assets.demoPage({ siteKey: deps.siteKey, lang: languageOf(req.query.lang) }));
  });
  return router;
}
