import { CalendarDate, startOf } from './calendar.js';

/**
 * A university year ("année universitaire"): named "2026-2027", from its first day to its last
 * (both included). The platform administrator may define them (AcademicYear rows); without one,
 * a year runs from 1 September to 31 August, as in French universities.
 */
export interface AcademicPeriod {
  label: string;
  start: CalendarDate;
  end: CalendarDate;
}

/** The month a year begins in when none is defined. */
export const ACADEMIC_YEAR_FIRST_MONTH = 9;

const LABEL = /^(\d{4})-(\d{4})$/;

/** The default year that begins in September of `firstYear`. */
function defaultPeriod(firstYear: number): AcademicPeriod {
  return {
    label: `${firstYear}-${firstYear + 1}`,
    start: CalendarDate.of(firstYear, ACADEMIC_YEAR_FIRST_MONTH, 1)!,
    end: CalendarDate.of(firstYear + 1, ACADEMIC_YEAR_FIRST_MONTH, 1)!.addDays(-1),
  };
}

/** The default year a day falls in (1 September – 31 August). */
export function defaultAcademicYearOf(day: CalendarDate): AcademicPeriod {
  return defaultPeriod(day.month >= ACADEMIC_YEAR_FIRST_MONTH ? day.year : day.year - 1);
}

/** "2026-2027" → that default year; anything else (two years not following each other) → null. */
export function parseAcademicYearLabel(label: string | null | undefined): AcademicPeriod | null {
  const m = LABEL.exec(String(label ?? '').trim());
  if (!m || Number(m[2]) !== Number(m[1]) + 1) return null;
  return defaultPeriod(Number(m[1]));
}

/** The instants the period covers, for a query on timestamps: from its first Paris day's start to the end of its last. */
export function instantsOf(p: AcademicPeriod): { gte: Date; lt: Date } {
  return { gte: startOf(p.start), lt: startOf(p.end.addDays(1)) };
}
