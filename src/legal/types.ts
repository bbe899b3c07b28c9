// The legal engine's vocabulary (issue 11). The engine (engine.ts) is pure: the dated parameters
// (read from the LegalParameter table by the caller) and the hours already spent with the host are
// passed in, nothing is read from the database or the clock inside the computation.
import type { CalendarDate } from '../time/calendar.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Hours of presence the schedule gives to each weekday (decimals allowed: 7.5). */
export type WeeklySchedule = Record<Weekday, number>;

/** A range of days, both included (an interruption, "suspension"). */
export interface DayRange {
  from: CalendarDate;
  to: CalendarDate;
}

/**
 * The keys of the dated parameter table and the type of their value. The figures live in the
 * database (seeded, editable by the platform administrator, history kept); only their names and
 * meaning are code. A key without a row for a country means "no such rule" (Belgium has no
 * statutory stipend: no `stipend.hourly_minimum` row, or `stipend.compulsory` = 0).
 */
export const PARAMETER_KEYS = {
  /** 1 when the country's law makes a stipend compulsory above the threshold, 0 otherwise. */
  'stipend.compulsory': 'flag',
  /** Presence hours with one host in one teaching year above which the stipend is due (FR: 308). */
  'stipend.threshold_hours': 'hours',
  /** Minimum stipend per hour of presence at the signature date (FR: 4.05 in 2023, 4.35 in 2024–2025, 4.50 in 2026). */
  'stipend.hourly_minimum': 'amount',
  /** Hours of presence that make one day (FR: 7). */
  'duration.hours_per_day': 'hours',
  /** Days that make one month (FR: 22). */
  'duration.days_per_month': 'count',
  /** Maximum presence hours with one host per teaching year, this internship and the earlier ones (FR: 924). */
  'duration.max_hours_per_host': 'hours',
  /** Shortest internship, in weeks of calendar span (TN: 4). */
  'duration.min_weeks': 'count',
  /** Longest internship, in calendar months of span (TN: 6). */
  'duration.max_months': 'count',
  /** Most hours on any day of the schedule (FR: 10, blocking). */
  'schedule.max_daily_hours': 'hours',
  /** Most hours in a week of the schedule (FR: 48, blocking). */
  'schedule.max_weekly_hours': 'hours',
  /** Weekly hours above which the schedule is flagged (FR: 35, warning). */
  'schedule.warning_weekly_hours': 'hours',
  /** Presence hours above which the agreement must state leave and authorised absences (FR: 308). */
  'leave.required_above_hours': 'hours',
} as const;
export type ParameterKey = keyof typeof PARAMETER_KEYS;

/** One row of the dated parameter table: `value` holds for `country` from `validFrom` on, until a later row. */
export interface ParameterRow {
  country: string;
  key: ParameterKey;
  value: number;
  validFrom: CalendarDate;
  /** The currency of an amount (EUR, MAD, TND); null for the other kinds. */
  currency?: string | null;
}

/** What the engine is asked. */
export interface EngineInput {
  start: CalendarDate;
  end: CalendarDate;
  schedule: WeeklySchedule;
  interruptions: DayRange[];
  /** ISO 3166-1 alpha-2 of the host organisation's legal seat: whose rules apply. */
  rulesCountry: string;
  /** ISO 3166-1 alpha-2 of the country where the internship takes place: whose public holidays. */
  holidaysCountry: string;
  /** The day the agreement is (or will be) signed: which dated figures apply. */
  signedOn: CalendarDate;
  /** Presence hours already spent with the same host in the same teaching year (earlier internships). */
  previousHours: number;
  /** The parameter table (all countries, all dates: the engine picks what applies). */
  parameters: readonly ParameterRow[];
}

export type CheckSeverity = 'blocking' | 'warning';

/** One finding of the engine; `params` fill the message (legal.checks.<code> in the catalogues). */
export interface Check {
  code: string;
  severity: CheckSeverity;
  params: Record<string, string | number>;
}

export interface MonthLine {
  /** "2026-02" */
  month: string;
  hours: number;
  /** The minimum stipend owed for that month (0 when none is due), in the currency, rounded to the cent half up. */
  minimum: number;
}

/** What the engine answers (the simulator's JSON is this, field for field). */
export interface EngineResult {
  presenceHours: number;
  days: number;
  months: number;
  remainingDays: number;
  stipend: {
    due: boolean;
    /** Why: 'over_threshold' | 'under_threshold' | 'not_compulsory' | 'no_rules'. */
    reason: string;
    /** Hours with the host this teaching year, this internship included (what the threshold is compared with). */
    hoursWithHost: number;
    thresholdHours: number | null;
    hourlyMinimum: number | null;
    currency: string | null;
    monthly: MonthLine[];
    total: number;
  };
  checks: Check[];
}
