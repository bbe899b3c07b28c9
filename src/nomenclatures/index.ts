import * as Enums from '../generated/prisma/enums.js';
import { DATA } from './data.js';
import { DOC_LOCALES, type DocLocale, type Labels, type NomenclatureData } from './types.js';

export { DOC_LOCALES, UI_LOCALES, type DocLocale, type UiLocale } from './types.js';

/**
 * The one home of reference values: every enumerated value shown to users (civility, legal status,
 * headcount band, structure type, offer kind, education level, country…) with its label in each language.
 * Values come from the Prisma enum named by the entry (checked at load: the labels cover exactly
 * the enum's values), so a value added to the schema without a label stops the start.
 * Views use `ref.options(name)` and `ref.label(name, value)` (res.locals); code uses `valuesOf(name)`
 * (e.g. for a zod enum) and `options(name, locale)` / `label(name, value, locale)`.
 *
 * To add a value: add it to the Prisma enum (and a migration) if the nomenclature has one, then its labels
 * in the group file (people.ts, organisations.ts, internships.ts), in the enum's order: fr and en, plus de,
 * es and it when the nomenclature is `printed` (the compiler asks for them). Never rename or remove a value
 * that rows may hold: relabel it.
 * To add a nomenclature: an entry in a group file with `enum` (the Prisma enum's name, or null for a list
 * of the platform's own whose values are the keys, in order), `printed` (true if an agreement shows it)
 * and its labels; tests/unit/nomenclatures.test.ts then checks it like the others.
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

function dataOf(name: NomenclatureName): NomenclatureData {
  return DATA[name] as NomenclatureData;
}

export function isNomenclature(v: unknown): v is NomenclatureName {
  return typeof v === 'string' && Object.hasOwn(DATA, v);
}

/** The values, in the order of the enum (or of the reference list). */
export function valuesOf<N extends NomenclatureName>(name: N): [ValueOf<N>, ...ValueOf<N>[]] {
  const data = dataOf(name);
  const values = data.enum ? Object.values(ENUMS[data.enum]) : Object.keys(data.labels);
  return values as [ValueOf<N>, ...ValueOf<N>[]];
}

/** The label of a value in a language (French when the language has none; the value itself when unknown). */
export function label(name: NomenclatureName, value: string | null | undefined, locale: DocLocale = 'fr'): string {
  if (value === null || value === undefined || value === '') return '';
  const all: Record<string, Labels> = dataOf(name).labels;
  // hasOwn: "constructor" or "toString" are unknown values, not the object's own properties.
  if (!Object.hasOwn(all, value)) return value;
  const labels = all[value];
  return labels[locale] || labels.fr;
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
    const byLabel = dataOf(name).optionsByLabel;
    if (byLabel) list = sortByLabel(list, locale, byLabel.first);
    optionCache.set(key, list);
  }
  return list;
}

// Alphabetical in the language's own collation (French "Égypte" among the E, not after "Zambie" as code
// points would put it), the `first` values ahead in their given order.
function sortByLabel(list: Option[], locale: DocLocale, first: readonly string[]): Option[] {
  const collator = new Intl.Collator(locale);
  const rank = (o: Option) => (first.includes(o.value) ? first.indexOf(o.value) : first.length);
  return [...list].sort((a, b) => rank(a) - rank(b) || collator.compare(a.label, b.label));
}

/** Every nomenclature (for the parity test and the reference pages). */
export function nomenclatures(): { name: NomenclatureName; printed: boolean; values: string[]; labels: Record<string, Labels> }[] {
  return (Object.keys(DATA) as NomenclatureName[]).map((name) => {
    const d = dataOf(name);
    return { name, printed: d.printed, values: valuesOf(name), labels: d.labels };
  });
}

export function isDocLocale(v: unknown): v is DocLocale {
  return typeof v === 'string' && (DOC_LOCALES as readonly string[]).includes(v);
}
