import * as Enums from '../generated/prisma/enums.js';
import { DATA } from './data.js';
import { DOC_LOCALES, type DocLocale, type Labels, type NomenclatureData } from './types.js';

export { DOC_LOCALES, UI_LOCALES, type DocLocale, type UiLocale } from './types.js';

/**
 * The one home of reference values: every enumerated value shown to users (civility, legal status,
 * headcount band, structure type, offer kind, education level…) with its label in each language.
 * Values come from the Prisma enum named by the entry (checked at load: the labels cover exactly
 * the enum's values), so a value added to the schema without a label stops the start.
 * Views use `options(name)` and `label(name, value)` (res.locals); code uses `valuesOf(name)`.
 */
export type NomenclatureName = keyof typeof DATA;
type ValueOf<N extends NomenclatureName> = Extract<keyof (typeof DATA)[N]['labels'], string>;

const ENUMS = Enums as unknown as Record<string, Record<string, string>>;

function check(name: string, data: NomenclatureData) {
  const labelled = Object.keys(data.labels);
  if (data.enum) {
    const values = Object.values(ENUMS[data.enum] ?? {});
    if (!values.length) throw new Error(`nomenclature ${name}: no Prisma enum ${data.enum}`);
    const missing = values.filter((v) => !labelled.includes(v));
    const extra = labelled.filter((v) => !values.includes(v));
    if (missing.length || extra.length) throw new Error(`nomenclature ${name}: labels differ from enum ${data.enum} (missing ${missing.join(',')}; extra ${extra.join(',')})`);
  }
}
for (const [name, data] of Object.entries(DATA)) check(name, data as NomenclatureData);

export function isNomenclature(v: unknown): v is NomenclatureName {
  return typeof v === 'string' && Object.hasOwn(DATA, v);
}

/** The values, in the order of the enum (or of the reference list). */
export function valuesOf<N extends NomenclatureName>(name: N): [ValueOf<N>, ...ValueOf<N>[]] {
  const data = DATA[name] as NomenclatureData;
  const values = data.enum ? Object.values(ENUMS[data.enum]) : Object.keys(data.labels);
  return values as [ValueOf<N>, ...ValueOf<N>[]];
}

/** The label of a value in a language (French when the language has none; the value itself when unknown). */
export function label(name: NomenclatureName, value: string | null | undefined, locale: DocLocale = 'fr'): string {
  if (value === null || value === undefined || value === '') return '';
  const labels = (DATA[name] as NomenclatureData).labels[value] as Labels | undefined;
  if (!labels) return value;
  return labels[locale] ?? labels.fr;
}

export interface Option {
  value: string;
  label: string;
}

// Built once per nomenclature and language: the lists a form's select or radios show.
const optionCache = new Map<string, Option[]>();

export function options(name: NomenclatureName, locale: DocLocale = 'fr'): Option[] {
  const key = `${name}:${locale}`;
  let list = optionCache.get(key);
  if (!list) {
    list = valuesOf(name).map((value) => ({ value, label: label(name, value, locale) }));
    optionCache.set(key, list);
  }
  return list;
}

/** Every nomenclature (for the parity test and the reference pages). */
export function nomenclatures(): { name: NomenclatureName; printed: boolean; values: string[]; labels: Record<string, Labels> }[] {
  return (Object.keys(DATA) as NomenclatureName[]).map((name) => {
    const d = DATA[name] as NomenclatureData;
    return { name, printed: d.printed, values: valuesOf(name), labels: d.labels };
  });
}

export function isDocLocale(v: unknown): v is DocLocale {
  return typeof v === 'string' && (DOC_LOCALES as readonly string[]).includes(v);
}
