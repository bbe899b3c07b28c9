// The legal engine (issue 11): from an internship's days, weekly schedule, interruptions, countries,
// signature date and the hours already spent with the host, the presence hours, the duration in
// the law's units, the minimum stipend month by month and the checks an agreement must pass.
// Pure: the parameter table and the earlier hours are passed in; no database, no clock.
//
// Arithmetic is on integers — hours in hundredths, amounts in cents, rates in ten-thousandths — so
// that a month's minimum is rounded once, half up, and the total is exactly the sum of the months.
import type { CalendarDate } from '../time/calendar.js';
import { presenceByMonth, toHundredths } from './presence.js';
import { DEFAULT_COUNTRY, firstValidFrom, hasRules, rulesAt, valueOf, type Rules } from './rules.js';
import { WEEKDAYS, type Check, type EngineInput, type EngineResult, type MonthLine } from './types.js';

/** Why the stipend is or is not due (EngineResult.stipend.reason). */
export type StipendReason = 'over_threshold' | 'under_threshold' | 'not_compulsory' | 'no_rules';

const RATE_KEY = 'stipend.hourly_minimum';

/** hundredths of an hour × ten-thousandths of a unit per hour → cents, rounded half up. */
function minimumCents(hundredths: number, rate: number): number {
  return Math.floor((hundredths * rate + 5_000) / 10_000);
}

/** The last day of an `n`-month span from `start` (2 Feb + 6 months → 1 Aug; 31 Aug + 6 → 28 Feb). */
function lastDayOfMonths(start: CalendarDate, n: number): CalendarDate {
  const same = start.addMonths(n);
  // addMonths keeps the day or takes a shorter month's last: then that last day ends the span.
  return same.day === start.day ? same.addDays(-1) : same;
}

/** Duration in the law's units: every `hours_per_day` hours one day, every `days_per_month` days one month. */
function duration(presence: number, rules: Rules) {
  const perDay = toHundredths(valueOf(rules, 'duration.hours_per_day') ?? 0);
  const perMonth = valueOf(rules, 'duration.days_per_month') ?? 0;
  // A table without these rows gives no days rather than a division by zero.
  const days = perDay > 0 ? Math.floor(presence / perDay) : 0;
  const months = perMonth > 0 ? Math.floor(days / perMonth) : 0;
  return { days, months, remainingDays: days - months * perMonth };
}

/** The checks on the weekly schedule itself: any day over the daily maximum, the week's sum over the maximum or the warning level. */
function scheduleChecks(input: EngineInput, rules: Rules): Check[] {
  const checks: Check[] = [];
  const maxDaily = valueOf(rules, 'schedule.max_daily_hours');
  if (maxDaily !== null) {
    for (const day of WEEKDAYS) {
      if (toHundredths(input.schedule[day]) > toHundredths(maxDaily)) {
        checks.push({ code: 'daily_hours_cap', severity: 'blocking', params: { day, hours: input.schedule[day], max: maxDaily } });
      }
    }
  }
  const weekly = WEEKDAYS.reduce((sum, day) => sum + toHundredths(input.schedule[day]), 0);
  const maxWeekly = valueOf(rules, 'schedule.max_weekly_hours');
  const warning = valueOf(rules, 'schedule.warning_weekly_hours');
  if (maxWeekly !== null && weekly > toHundredths(maxWeekly)) {
    checks.push({ code: 'weekly_hours_cap', severity: 'blocking', params: { hours: weekly / 100, max: maxWeekly } });
  } else if (warning !== null && weekly > toHundredths(warning)) {
    // Only below the cap: a week over 48 h is refused, saying it is also over 35 h adds nothing.
    checks.push({ code: 'weekly_hours_warning', severity: 'warning', params: { hours: weekly / 100, threshold: warning } });
  }
  return checks;
}

/** The span limits (Tunisia: 4 weeks to 6 months), on calendar days from the first to the last. */
function spanChecks(input: EngineInput, rules: Rules): Check[] {
  const checks: Check[] = [];
  const minWeeks = valueOf(rules, 'duration.min_weeks');
  if (minWeeks !== null) {
    const earliestEnd = input.start.addDays(minWeeks * 7 - 1);
    if (input.end.isBefore(earliestEnd)) checks.push({ code: 'duration_too_short', severity: 'blocking', params: { min: minWeeks, earliestEnd: earliestEnd.toString() } });
  }
  const maxMonths = valueOf(rules, 'duration.max_months');
  if (maxMonths !== null) {
    const latestEnd = lastDayOfMonths(input.start, maxMonths);
    if (input.end.isAfter(latestEnd)) checks.push({ code: 'duration_too_long', severity: 'blocking', params: { max: maxMonths, latestEnd: latestEnd.toString() } });
  }
  return checks;
}

/**
 * Computes an internship under the rules of `rulesCountry` in force on `signedOn`, with the public
 * holidays of `holidaysCountry`. Rejects nothing: the caller validates its input (an end before
 * the start gives no month and 0 hours).
 *
 * The stipend is due when the rules make it compulsory and `previousHours` + this presence is over
 * `stipend.threshold_hours` (none: from the first hour); it is then due for every hour, from the
 * first day, at the hourly minimum in force on `signedOn`. Due without a rate in force gives
 * `hourlyMinimum` null, minimums of 0 and a blocking `rate_not_in_force` check.
 */
export function computeInternship(input: EngineInput): EngineResult {
  const known = hasRules(input.parameters, input.rulesCountry);
  const country = known ? input.rulesCountry : DEFAULT_COUNTRY;
  const rules = rulesAt(input.parameters, country, input.signedOn);

  const byMonth = presenceByMonth(input);
  const presence = byMonth.reduce((sum, m) => sum + m.hundredths, 0);
  const withHost = toHundredths(input.previousHours) + presence;

  const compulsory = known && valueOf(rules, 'stipend.compulsory') === 1;
  const threshold = compulsory ? (valueOf(rules, 'stipend.threshold_hours') ?? 0) : null;
  const reason: StipendReason = !known ? 'no_rules' : !compulsory ? 'not_compulsory' : withHost > toHundredths(threshold!) ? 'over_threshold' : 'under_threshold';
  const due = reason === 'over_threshold';
  const rateRow = compulsory ? rules[RATE_KEY] : undefined;
  const rate = rateRow ? Math.round(rateRow.value * 10_000) : 0;

  const monthly: MonthLine[] = [];
  let totalCents = 0;
  for (const m of byMonth) {
    const cents = due ? minimumCents(m.hundredths, rate) : 0;
    totalCents += cents;
    monthly.push({ month: m.month, hours: m.hundredths / 100, minimum: cents / 100 });
  }

  const checks: Check[] = [];
  if (!known) checks.push({ code: 'no_rules', severity: 'warning', params: { country: input.rulesCountry.toUpperCase() } });
  if (presence <= 0) checks.push({ code: 'no_presence', severity: 'blocking', params: {} });
  checks.push(...scheduleChecks(input, rules));
  const maxWithHost = valueOf(rules, 'duration.max_hours_per_host');
  if (maxWithHost !== null && withHost > toHundredths(maxWithHost)) {
    checks.push({ code: 'host_year_cap', severity: 'blocking', params: { hours: withHost / 100, max: maxWithHost } });
  }
  const leaveAbove = valueOf(rules, 'leave.required_above_hours');
  if (leaveAbove !== null && presence > toHundredths(leaveAbove)) {
    checks.push({ code: 'leave_required', severity: 'warning', params: { hours: presence / 100, threshold: leaveAbove } });
  }
  checks.push(...spanChecks(input, rules));
  if (due && !rateRow) {
    checks.push({ code: 'rate_not_in_force', severity: 'blocking', params: { key: RATE_KEY, validFrom: firstValidFrom(input.parameters, country, RATE_KEY) } });
  }

  return {
    presenceHours: presence / 100,
    ...duration(presence, rules),
    stipend: {
      due,
      reason,
      hoursWithHost: withHost / 100,
      thresholdHours: threshold,
      hourlyMinimum: rateRow ? rateRow.value : null,
      currency: rateRow ? (rateRow.currency ?? null) : null,
      monthly,
      total: totalCents / 100,
    },
    checks,
  };
}
