import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const LOCALES = ['fr', 'en'] as const;
export type LocaleCode = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: LocaleCode = 'fr';

type Catalogue = Record<string, string>;
const LOCALES_DIR = path.join(import.meta.dirname, 'locales');

function flatten(obj: Record<string, unknown>, prefix: string, out: Catalogue) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') flatten(v as Record<string, unknown>, key, out);
    else out[key] = String(v);
  }
}

/** One catalogue per language, split into one JSON file per module (file name = namespace). */
export function loadCatalogue(locale: LocaleCode): Catalogue {
  const dir = path.join(LOCALES_DIR, locale);
  const out: Catalogue = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const ns = file.replace(/\.json$/, '');
    flatten(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), ns, out);
  }
  return out;
}

const catalogues: Record<LocaleCode, Catalogue> = { fr: loadCatalogue('fr'), en: loadCatalogue('en') };

export type Params = Record<string, string | number | null | undefined>;
export type Translate = (key: string, params?: Params) => string;

export function isLocale(v: unknown): v is LocaleCode {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

export function translate(locale: LocaleCode, key: string, params?: Params): string {
  const msg = catalogues[locale][key] ?? catalogues[DEFAULT_LOCALE][key] ?? key;
  if (!params) return msg;
  return msg.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] === undefined || params[name] === null ? m : String(params[name])));
}

// One translator per language, shared by every request.
const translators = Object.fromEntries(LOCALES.map((l) => [l, (key: string, params?: Params) => translate(l, key, params)])) as Record<LocaleCode, Translate>;

export function translator(locale: LocaleCode): Translate {
  return translators[locale];
}

export function hasKey(key: string): boolean {
  return key in catalogues.fr;
}
