import type { z } from 'zod';

/**
 * The shape of a postal code by country, and of a commune's name. France: 5 digits whose first
 * two (or three, overseas) are a real département; Belgium and Tunisia 4 digits; Morocco 5;
 * elsewhere free (the form still requires it). A commune is written in letters.
 */
const POSTAL_CODE: Record<string, { re: RegExp; key: string }> = {
  FR: { re: /^(0[1-9]|[1-8]\d|9[0-5]|97[1-8]|98[4-8])\d{2,3}$/, key: 'errors.field.postalCodeFR' },
  BE: { re: /^[1-9]\d{3}$/, key: 'errors.field.postalCodeBE' },
  MA: { re: /^\d{5}$/, key: 'errors.field.postalCodeMA' },
  TN: { re: /^\d{4}$/, key: 'errors.field.postalCodeTN' },
};
// Letters (any script, accents), spaces, apostrophes, hyphens, dots, parentheses; "Cedex 9" at the end.
const COMMUNE = /^\p{L}[\p{L}\p{M}' .()’-]*?(?: cedex(?: \d{1,2})?)?$/iu;

/** The message key for a postal code that does not fit its country, or null. */
export function postalCodeIssue(country: string | null | undefined, postalCode: string | null | undefined): string | null {
  const code = (postalCode ?? '').trim();
  const rule = POSTAL_CODE[(country ?? '').trim().toUpperCase()];
  if (!code || !rule) return null;
  if (rule.re === POSTAL_CODE.FR.re && !/^\d{5}$/.test(code)) return rule.key;
  return rule.re.test(code) ? null : rule.key;
}

/** The message key for a commune's name that is not letters, or null. */
export function communeIssue(city: string | null | undefined): string | null {
  const c = (city ?? '').trim();
  return !c || COMMUNE.test(c) ? null : 'errors.field.commune';
}

/** In a schema's superRefine: checks `postalCode` and `city` against `country` (field names may differ). */
export function refineAddress(v: Record<string, unknown>, ctx: z.RefinementCtx, names = { country: 'country', postalCode: 'postalCode', city: 'city' }) {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : null);
  const pc = postalCodeIssue(str(names.country), str(names.postalCode));
  if (pc) ctx.addIssue({ code: 'custom', path: [names.postalCode], message: pc });
  const city = communeIssue(str(names.city));
  if (city) ctx.addIssue({ code: 'custom', path: [names.city], message: city });
}
