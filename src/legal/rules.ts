// Which figures of the dated parameter table apply: per country and per day. The table holds every
// country's rows with their validity dates (the database's LegalParameter rows, read by the
// caller); a new rate is one more row, never a change here.
import type { CalendarDate } from '../time/calendar.js';
import type { ParameterKey, ParameterRow } from './types.js';

/** The country of the default rows: a key a country has no row for takes the '*' row. */
export const DEFAULT_COUNTRY = '*';

/** The rows in force for one country on one day, by key (a key without any row is absent). */
export type Rules = Readonly<Partial<Record<ParameterKey, ParameterRow>>>;

const sameCountry = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
// ISO days ("2026-01-01") compare as strings: CalendarDate.toString() pads every part.
const iso = (d: CalendarDate) => d.toString();

/**
 * The rows in force for `country` on `day`: per key, the country's row with the latest
 * `validFrom` on or before `day`; when the country has none in force for that key, the '*' row
 * chosen the same way.
 */
export function rulesAt(parameters: readonly ParameterRow[], country: string, day: CalendarDate): Rules {
  const on = iso(day);
  const own: Partial<Record<ParameterKey, ParameterRow>> = {};
  const fallback: Partial<Record<ParameterKey, ParameterRow>> = {};
  for (const row of parameters) {
    const from = iso(row.validFrom);
    if (from > on) continue;
    const into = sameCountry(row.country, country) ? own : row.country === DEFAULT_COUNTRY ? fallback : null;
    if (!into) continue;
    const held = into[row.key];
    if (!held || iso(held.validFrom) <= from) into[row.key] = row;
  }
  return { ...fallback, ...own };
}

/** The value of `key` in force, or null when no row gives one. */
export function valueOf(rules: Rules, key: ParameterKey): number | null {
  return rules[key]?.value ?? null;
}

/** Whether the table has any row at all for `country` (a country without one gets the '*' defaults and a `no_rules` check). */
export function hasRules(parameters: readonly ParameterRow[], country: string): boolean {
  return parameters.some((row) => sameCountry(row.country, country));
}

/**
 * The earliest `validFrom` of `key` for `country` (else of '*'), as "YYYY-MM-DD", or '' when the
 * key has no row: what a `rate_not_in_force` check tells ("the first rate applies from …").
 */
export function firstValidFrom(parameters: readonly ParameterRow[], country: string, key: ParameterKey): string {
  const earliest = (c: string) =>
    parameters
      .filter((row) => row.key === key && sameCountry(row.country, c))
      .map((row) => iso(row.validFrom))
      .sort()[0];
  return earliest(country) ?? earliest(DEFAULT_COUNTRY) ?? '';
}
