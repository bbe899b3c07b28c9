// What the organisation views need beyond the field values and the nomenclatures (ref.options): the NAF selects, country names.
import type { LocaleCode } from '../../i18n/index.js';
import { NAF_SECTIONS, nafClasses, nafDivisions } from './identifiers.js';

const displayNames = new Map<LocaleCode, Intl.DisplayNames>();

/** "FR" → "France" (or "France" in English too); the code itself when unknown. */
export function countryName(code: string | null | undefined, locale: LocaleCode): string {
  if (!code) return '';
  let names = displayNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'region' });
    displayNames.set(locale, names);
  }
  try {
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The three selects of the activity search, from the official labels. Without JavaScript the
 * lists narrow once the form is sent: the section keeps its divisions, the division its classes.
 */
export function activityOptions(section: string, division: string) {
  const s = NAF_SECTIONS.find((x) => x.code === section);
  const inSection = (code: string) => !s || (Number(code.slice(0, 2)) >= s.from && Number(code.slice(0, 2)) <= s.to);
  return {
    sectionOptions: NAF_SECTIONS.map((x) => ({ value: x.code, label: `${x.code} — ${x.label} (${pad2(x.from)}${x.to !== x.from ? '–' + pad2(x.to) : ''})` })),
    divisionOptions: nafDivisions()
      .filter((d) => inSection(d.id))
      .map((d) => ({ value: d.id, label: `${d.id} — ${d.label}` })),
    classOptions: nafClasses()
      .filter((c) => (division ? c.id.startsWith(`${division}.`) : inSection(c.id)))
      .map((c) => ({ value: c.id, label: `${c.id} — ${c.label}` })),
  };
}
