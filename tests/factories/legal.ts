// The legal engine's test material: the seeded parameter table (exactly the rows the database is
// seeded with, issue 11) and small builders of engine inputs.
import type { DayRange, EngineInput, ParameterKey, ParameterRow, WeeklySchedule } from '../../src/legal/types.js';
import { CalendarDate } from '../../src/time/calendar.js';

/** "2026-02-02" → the day (throws on a typo, so a test never runs on a null). */
export function day(s: string): CalendarDate {
  const d = CalendarDate.parse(s);
  if (!d) throw new Error(`not a day: ${s}`);
  return d;
}

const SINCE_2000 = day('2000-01-01');
const row = (country: string, key: ParameterKey, value: number, validFrom = SINCE_2000, currency: string | null = null): ParameterRow => ({ country, key, value, validFrom, currency });

/** The seeded rows: '*' = defaults for any country (a key absent for a country falls back to '*'). */
export const SEEDED_PARAMETERS: readonly ParameterRow[] = Object.freeze([
  row('*', 'duration.hours_per_day', 7),
  row('*', 'duration.days_per_month', 22),
  row('*', 'stipend.compulsory', 0),
  row('FR', 'stipend.compulsory', 1),
  row('FR', 'stipend.threshold_hours', 308),
  row('FR', 'stipend.hourly_minimum', 4.05, day('2023-01-01'), 'EUR'),
  row('FR', 'stipend.hourly_minimum', 4.35, day('2024-01-01'), 'EUR'),
  row('FR', 'stipend.hourly_minimum', 4.5, day('2026-01-01'), 'EUR'),
  row('FR', 'duration.hours_per_day', 7),
  row('FR', 'duration.days_per_month', 22),
  row('FR', 'duration.max_hours_per_host', 924),
  row('FR', 'schedule.max_daily_hours', 10),
  row('FR', 'schedule.max_weekly_hours', 48),
  row('FR', 'schedule.warning_weekly_hours', 35),
  row('FR', 'leave.required_above_hours', 308),
  row('BE', 'stipend.compulsory', 0),
  row('TN', 'stipend.compulsory', 0),
  row('TN', 'duration.min_weeks', 4),
  row('TN', 'duration.max_months', 6),
  row('MA', 'stipend.compulsory', 0),
]);

/** A row to add to the seeded ones (a new rate, Morocco made compulsory…). */
export function parameterRow(country: string, key: ParameterKey, value: number, validFrom: string, currency: string | null = null): ParameterRow {
  return row(country, key, value, day(validFrom), currency);
}

/** A week: the given days, every other day 0 h. */
export function schedule(days: Partial<WeeklySchedule> = {}): WeeklySchedule {
  return { mon: 0, tue: 0, wed: 0, thu: 0, fri: 0, sat: 0, sun: 0, ...days };
}

/** `h` hours Monday to Friday (7 h: 35 h a week). */
export function fullTime(h = 7): WeeklySchedule {
  return schedule({ mon: h, tue: h, wed: h, thu: h, fri: h });
}

/** "2026-03-02" to "2026-03-06", both included. */
export function pause(from: string, to: string): DayRange {
  return { from: day(from), to: day(to) };
}

/**
 * An engine input: a French internship 7 h Monday to Friday under the seeded rules, signed on its
 * first day, with no earlier hours; `over` replaces any of it (days as "YYYY-MM-DD").
 */
export function internship(
  start: string,
  end: string,
  over: Partial<Omit<EngineInput, 'start' | 'end' | 'signedOn'>> & { signedOn?: string } = {},
): EngineInput {
  const { signedOn, ...rest } = over;
  return {
    start: day(start),
    end: day(end),
    schedule: fullTime(),
    interruptions: [],
    rulesCountry: 'FR',
    holidaysCountry: rest.rulesCountry ?? 'FR',
    signedOn: day(signedOn ?? start),
    previousHours: 0,
    parameters: SEEDED_PARAMETERS,
    ...rest,
  };
}
