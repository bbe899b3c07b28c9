// Presence hours (Code de l'éducation, art. D124-6): every calendar day from the first to the last
// day of the internship gets the hours the weekly schedule gives to its weekday, except the public
// holidays of the country where the internship takes place and the days of an interruption. Leave
// granted by the agreement is presence, so it is not an input here.
//
// Hours are counted in hundredths (integers), so that 7.25 h × 22 days is exactly 159.5 h and sums
// never drift. Days are handled as day numbers since 1970-01-01 (UTC), the loop allocates nothing:
// the engine runs 10,000 times in a benchmark and once per simulator request.
import { publicHolidays, type CalendarDate } from '../time/calendar.js';
import { WEEKDAYS, type DayRange, type WeeklySchedule } from './types.js';

const DAY_MS = 86_400_000;

/** Hours → hundredths of an hour (7.5 → 750; 5.6 → 560, not 559.999…). */
export function toHundredths(hours: number): number {
  return Math.round(hours * 100);
}

/** The day number of a day (days since 1970-01-01). */
function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

// Per country and year, the public holidays as month * 100 + day (0704 → 704): calendar.ts keeps
// date-holidays' answer per country-year as ISO strings; this keeps the integers the loop needs.
const holidayKeys = new Map<string, Set<number>>();
function holidaysOf(country: string, year: number): Set<number> {
  const key = `${country.toUpperCase()}-${year}`;
  let set = holidayKeys.get(key);
  if (!set) {
    set = new Set([...publicHolidays(country, year)].map((iso) => Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10))));
    holidayKeys.set(key, set);
  }
  return set;
}

/** Interruptions as sorted, merged [from, to] day-number pairs (overlaps and order do not matter; a range ending before it starts is empty). */
function mergedRanges(ranges: readonly DayRange[]): [number, number][] {
  const sorted = ranges
    .map((r): [number, number] => [dayNumber(r.from.year, r.from.month, r.from.day), dayNumber(r.to.year, r.to.month, r.to.day)])
    .filter(([from, to]) => from <= to)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** One calendar month of an internship: "2026-02" and its presence hours in hundredths. */
export interface MonthPresence {
  month: string;
  hundredths: number;
}

export interface PresenceInput {
  start: CalendarDate;
  end: CalendarDate;
  schedule: WeeklySchedule;
  interruptions: readonly DayRange[];
  /** Whose national public holidays are not worked (ISO 3166-1 alpha-2). */
  holidaysCountry: string;
}

/**
 * Presence hours per calendar month, every month from the first day's to the last day's
 * (a month wholly interrupted is there with 0). Empty when the last day is before the first.
 * Useful beyond the engine: an agreement prints this table.
 */
export function presenceByMonth(input: PresenceInput): MonthPresence[] {
  const { start, end } = input;
  const hours = WEEKDAYS.map((w) => toHundredths(input.schedule[w])); // index 0 = Monday
  const pauses = mergedRanges(input.interruptions);
  const months: MonthPresence[] = [];
  if (start.isAfter(end)) return months;
  let weekday = start.weekday() - 1;
  let p = 0;
  for (let year = start.year, month = start.month; year * 12 + month <= end.year * 12 + end.month; month === 12 ? (year++, (month = 1)) : month++) {
    const first = year === start.year && month === start.month ? start.day : 1;
    const last = year === end.year && month === end.month ? end.day : daysIn(year, month);
    const holidays = holidaysOf(input.holidaysCountry, year);
    let n = dayNumber(year, month, first);
    let sum = 0;
    for (let d = first; d <= last; d++, n++, weekday = (weekday + 1) % 7) {
      if (hours[weekday] === 0 || holidays.has(month * 100 + d)) continue;
      while (p < pauses.length && pauses[p][1] < n) p++;
      if (p < pauses.length && pauses[p][0] <= n) continue;
      sum += hours[weekday];
    }
    months.push({ month: `${year}-${String(month).padStart(2, '0')}`, hundredths: sum });
  }
  return months;
}

/**
 * The day half of the presence hours is reached (the first day on which the hours counted from the
 * first day make at least half of the total): when the mid-term report opens. Null when the
 * schedule gives no presence at all.
 */
export function halfPresenceDay(input: PresenceInput): CalendarDate | null {
  const total = presenceByMonth(input).reduce((s, m) => s + m.hundredths, 0);
  if (total === 0) return null;
  const hours = WEEKDAYS.map((w) => toHundredths(input.schedule[w]));
  const pauses = mergedRanges(input.interruptions);
  let sum = 0;
  let p = 0;
  for (let d = input.start; !d.isAfter(input.end); d = d.addDays(1)) {
    const n = dayNumber(d.year, d.month, d.day);
    const h = hours[d.weekday() - 1];
    if (h === 0 || holidaysOf(input.holidaysCountry, d.year).has(d.month * 100 + d.day)) continue;
    while (p < pauses.length && pauses[p][1] < n) p++;
    if (p < pauses.length && pauses[p][0] <= n) continue;
    sum += h;
    // Twice the hours so far against the total: exact in integers.
    if (sum * 2 >= total) return d;
  }
  return input.end;
}
