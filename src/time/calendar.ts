import Holidays from 'date-holidays';

/** The platform's reference zone: "today", deadlines and the daily jobs are Paris days. */
export const PARIS = 'Europe/Paris';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A day of the calendar (no time, no zone): an internship's first day, an offer's last day of
 * diffusion. Stored in `@db.Date` columns, which Prisma hands over as UTC midnight. Instants
 * (`Date`) and days never mix: `todayIn`/`dayOf` turn an instant into the day it falls on in a
 * zone, `startOf` a day into the instant it begins.
 */
export class CalendarDate {
  private constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}

  /** A valid day, or null (2026-02-30 is not one). */
  static of(year: number, month: number, day: number): CalendarDate | null {
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
    return new CalendarDate(year, month, day);
  }

  /** A day known to be valid (computed, never typed): no check. */
  static fromParts(year: number, month: number, day: number): CalendarDate {
    return new CalendarDate(year, month, day);
  }

  /** "2026-07-01" → the day; anything else → null. */
  static parse(s: string | null | undefined): CalendarDate | null {
    const m = ISO.exec(String(s ?? '').trim());
    return m ? CalendarDate.of(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  }

  /** The day a `@db.Date` column holds (UTC midnight as Prisma returns it). */
  static fromDb(d: Date): CalendarDate {
    return new CalendarDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }

  /** The value to write into a `@db.Date` column. */
  toDb(): Date {
    return new Date(Date.UTC(this.year, this.month - 1, this.day));
  }

  toString(): string {
    return `${String(this.year).padStart(4, '0')}-${String(this.month).padStart(2, '0')}-${String(this.day).padStart(2, '0')}`;
  }

  toJSON(): string {
    return this.toString();
  }

  addDays(n: number): CalendarDate {
    // Integer arithmetic on the day's number (no Date built): the step table adds days to
    // hundreds of thousands of internships' dates in one run of the reminders.
    return civilFromDays(daysFromCivil(this.year, this.month, this.day) + n);
  }

  /** `n` calendar months later, on the same day or the month's last (31 January + 1 month = 28/29 February). */
  addMonths(n: number): CalendarDate {
    const index = this.year * 12 + (this.month - 1) + n;
    const year = Math.floor(index / 12);
    const month = (index % 12) + 1;
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return new CalendarDate(year, month, Math.min(this.day, last));
  }

  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday(): number {
    return ((this.toDb().getUTCDay() + 6) % 7) + 1;
  }

  /** Days from this day to `other` (negative when `other` is before). */
  daysUntil(other: CalendarDate): number {
    return daysFromCivil(other.year, other.month, other.day) - daysFromCivil(this.year, this.month, this.day);
  }

  compare(other: CalendarDate): number {
    return Math.sign(this.year - other.year || this.month - other.month || this.day - other.day);
  }
  equals(other: CalendarDate): boolean {
    return this.compare(other) === 0;
  }
  isBefore(other: CalendarDate): boolean {
    return this.compare(other) < 0;
  }
  isAfter(other: CalendarDate): boolean {
    return this.compare(other) > 0;
  }
}

/** Days since 1970-01-01 of a day of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The day `z` days after 1970-01-01 (civil_from_days, the inverse of daysFromCivil). */
function civilFromDays(z: number): CalendarDate {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return CalendarDate.fromParts(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

// One formatter per zone, built once: the parts of an instant as seen in that zone.
const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function formattedParts(instant: Date, zone: string) {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    partsFormatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(instant)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return p as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

// formatToParts is costly and every page asks for "today" (and for the instants an academic year
// begins and ends): a zone's offset is kept per quarter of an hour (UTC). Zones change their offset
// only on quarter-hour instants, so within one quarter the offset cannot change and the parts follow
// by arithmetic. The memo is bounded: it is emptied when it grows past 100,000 quarters (about three
// years of one zone: the reminder job reads the dates of 100,000 internships' steps at once).
const QUARTER_MS = 15 * 60_000;
const offsets = new Map<string, number>();
/** The wall-clock reading of an instant in a zone (year, month, day, hour, minute, second). */
export function zoneParts(instant: Date, zone: string) {
  const t = instant.getTime();
  const key = `${zone} ${Math.floor(t / QUARTER_MS)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const p = formattedParts(instant, zone);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  const local = new Date(t + offset);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds() };
}

/** The day an instant falls on in `zone` (Paris by default). */
export function dayOf(instant: Date, zone = PARIS): CalendarDate {
  const p = zoneParts(instant, zone);
  return CalendarDate.fromParts(p.year, p.month, p.day);
}

/** Today in `zone` (Paris by default), for the clock's `now`. */
export function todayIn(now: Date, zone = PARIS): CalendarDate {
  return dayOf(now, zone);
}

/** The zone's offset from UTC at an instant, in ms (Paris: +1 h in winter, +2 h in summer). */
function offsetMs(instant: Date, zone: string): number {
  const p = zoneParts(instant, zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a day begins in `zone` (00:00 Paris time by default). */
export function startOf(day: CalendarDate, zone = PARIS): Date {
  const utcMidnight = day.toDb().getTime();
  let t = utcMidnight - offsetMs(new Date(utcMidnight), zone);
  t = utcMidnight - offsetMs(new Date(t), zone);
  return new Date(t);
}

// ───────────── public holidays and working days ─────────────

const holidayCache = new Map<string, Set<string>>();

/**
 * The public holidays of a country's national calendar in a year (ISO days), from the well-kept
 * `date-holidays` data: only `type: 'public'` days (not observances, not regional days).
 */
export function publicHolidays(country: string, year: number): Set<string> {
  const key = `${country.toUpperCase()}-${year}`;
  let set = holidayCache.get(key);
  if (!set) {
    const hd = new Holidays(country.toUpperCase());
    const list = (hd.getHolidays(year) || []) as { date: string; type: string }[];
    set = new Set(list.filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    holidayCache.set(key, set);
  }
  return set;
}

export function isPublicHoliday(day: CalendarDate, country: string): boolean {
  return publicHolidays(country, day.year).has(day.toString());
}

/** Monday to Friday, and not a public holiday of `country`. */
export function isWorkingDay(day: CalendarDate, country: string): boolean {
  return day.weekday() <= 5 && !isPublicHoliday(day, country);
}

/** The working day `n` working days after `day` (n ≥ 0; n = 0 gives the first working day from `day` on). */
export function addWorkingDays(day: CalendarDate, n: number, country: string): CalendarDate {
  let d = day;
  while (!isWorkingDay(d, country)) d = d.addDays(1);
  for (let left = n; left > 0; ) {
    d = d.addDays(1);
    if (isWorkingDay(d, country)) left--;
  }
  return d;
}

/** Working days from `from` to `to`, both included. */
export function workingDaysBetween(from: CalendarDate, to: CalendarDate, country: string): number {
  let n = 0;
  for (let d = from; !d.isAfter(to); d = d.addDays(1)) if (isWorkingDay(d, country)) n++;
  return n;
}
