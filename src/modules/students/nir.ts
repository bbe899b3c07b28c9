/**
 * The French social-security number (NIR, "numéro de sécurité sociale"): 15 characters.
 *
 *   S YY MM DD CCC OOO KK
 *   S   sex / kind: 1 or 2 (3, 4 for people being registered, 7, 8 for temporary numbers)
 *   YY  year of birth
 *   MM  month of birth: 01–12, or 20–42 / 50–99 when unknown or for some foreign-born people
 *   DD  département of birth: 2 digits, or 2A / 2B (Corsica)
 *   CCC commune (or country code when born abroad), OOO order number
 *   KK  key = 97 − (the 13-digit number mod 97), 2A counting as 19 and 2B as 18
 *
 * Input may carry spaces; the stored value has none.
 */

export type NirError = 'format' | 'sex' | 'month' | 'department' | 'key';
export type NirCheck = { ok: true; value: string } | { ok: false; error: NirError };

/** Drops spaces (also non-breaking ones), dots and dashes; upper-cases "2a" / "2b". */
export function normalizeNir(input: string): string {
  return input.replace(/[\s\u00a0\u202f.-]/g, '').toUpperCase();
}

/** The key of the first 13 characters (Corsica: 2A → 19, 2B → 18). */
export function nirKey(first13: string): number {
  const dept = first13.slice(5, 7);
  const digits = first13.slice(0, 5) + (dept === '2A' ? '19' : dept === '2B' ? '18' : dept) + first13.slice(7, 13);
  return 97 - Number(BigInt(digits) % 97n);
}

export function checkNir(input: string): NirCheck {
  const s = normalizeNir(input);
  if (!/^\d{5}[0-9AB]{2}\d{8}$/.test(s)) return { ok: false, error: 'format' };
  if (!/^[123478]$/.test(s[0])) return { ok: false, error: 'sex' };
  const month = Number(s.slice(3, 5));
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || (month >= 50 && month <= 99))) return { ok: false, error: 'month' };
  if (!/^(\d{2}|2A|2B)$/.test(s.slice(5, 7))) return { ok: false, error: 'department' };
  if (nirKey(s.slice(0, 13)) !== Number(s.slice(13, 15))) return { ok: false, error: 'key' };
  return { ok: true, value: s };
}

/** "2 94 03 75 120 005 91": the groups the card prints. */
export function formatNir(nir: string): string {
  const s = normalizeNir(nir);
  if (s.length !== 15) return s;
  return [s[0], s.slice(1, 3), s.slice(3, 5), s.slice(5, 7), s.slice(7, 10), s.slice(10, 13), s.slice(13)].join(' ');
}

/** "2 ** ** ** *** *** 91": the first digit and the key only. */
export function maskNir(nir: string | null | undefined): string | null {
  if (!nir) return null;
  const s = normalizeNir(nir);
  if (s.length !== 15) return '*'.repeat(s.length);
  return `${s[0]} ** ** ** *** *** ${s.slice(13)}`;
}
