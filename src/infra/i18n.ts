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

/**
 * `onMissingValue`: a text was shown without one of its values (a caller forgot to pass it). The
 * person then reads the text without it — never a raw `{{name}}` — and the caller is told.
 */
export async function createTranslator(
  defaultLocale: Locale,
  onMissingValue?: (text: string, variable: string) => void,
): Promise<Translator> {
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
    missingInterpolationHandler: (text: string, match: RegExpExecArray) => {
      onMissingValue?.(text, match[1]?.trim() ?? '');
      return '';
    },
    returnNull: false,
  });
  return { instance, forLocale: (lng) => instance.getFixedT(lng) };
}
