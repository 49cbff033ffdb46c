import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type Resource, type TFunction } from 'i18next';
import type { Locale } from '../domain/user';
import { PROJECT_ROOT } from './project-root';

export const LOCALES: readonly Locale[] = ['ru', 'en'];
export const LOCALES_DIR = path.join(PROJECT_ROOT, 'locales');

/** Reads `locales/<lng>/<namespace>.json`; one namespace per feature keeps files reviewable. */
export function readLocaleResources(dir: string = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const lng of LOCALES) {
    resources[lng] = {};
    for (const file of readdirSync(path.join(dir, lng)).filter((name) => name.endsWith('.json'))) {
      resources[lng][path.basename(file, '.json')] = JSON.parse(
        readFileSync(path.join(dir, lng, file), 'utf8'),
      ) as Record<string, unknown>;
    }
  }
  return resources;
}

export interface Translator {
  instance: i18n;
  /** A translator fixed to one user's language; never switch the shared instance per request. */
  forLocale(lng: Locale): TFunction;
}

export async function createTranslator(defaultLocale: Locale): Promise<Translator> {
  const resources = readLocaleResources();
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    supportedLngs: [...LOCALES],
    ns: Object.keys(resources[defaultLocale] ?? {}),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return { instance, forLocale: (lng) => instance.getFixedT(lng) };
}
