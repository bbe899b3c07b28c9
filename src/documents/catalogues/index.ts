// The document catalogues: the texts of the printed documents in each print language. French is
// the reference; the others are typed by its keys, so that a missing or extra key does not
// compile, and a unit test checks the keys and the {placeholders} of every text at run time.
import type { PrintLanguage } from '../../modules/agreements/agreement.types.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { it } from './it.js';

export type CatalogueKey = keyof typeof fr;
export type Catalogue = Record<CatalogueKey, string>;

export const CATALOGUES: Record<PrintLanguage, Catalogue> = { fr, en, de, es, it };

/** A text with its {placeholders} filled; a placeholder without a value stays visible (a test catches it). */
export function fill(text: string, params: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : m));
}
