// The legal engine on worked cases counted by hand (issue 11). Each case writes down its count:
// the working days month by month, the public holidays that fall on them, the rate in force on the
// signature date. Calendars used (date-holidays, national, type 'public'):
//   FR 2025: 1 Jan, 21 Apr, 1 May, 8 May, 29 May, 9 Jun, 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec.
//   FR 2026: 1 Jan, 6 Apr, 1 May (Fri), 8 May (Fri), 14 May (Thu), 25 May (Mon), 14 Jul (Tue),
//            15 Aug (Sat), 1 Nov, 11 Nov, 25 Dec.
//   DE 2025: 1 Jan, 18 Apr, 21 Apr, 1 May, 29 May, 9 Jun, 3 Oct (Fri), 25 Dec, 26 Dec.
//   BE 2026: 1 Jan, 6 Apr, 1 May, 14 May, 25 May, 21 Jul (Tue), 15 Aug, 1 Nov, 11 Nov, 25 Dec.
// Rates (seeded): 4.05 € from 2023-01-01, 4.35 € from 2024-01-01, 4.50 € from 2026-01-01.
import { describe, expect, it } from 'vitest';
import { computeInternship } from '../../src/legal/engine.js';
import { firstValidFrom, rulesAt, valueOf } from '../../src/legal/rules.js';
import type { EngineResult } from '../../src/legal/types.js';
import { publicHolidays } from '../../src/time/calendar.js';
import { day, fullTime, internship, parameterRow, pause, schedule, SEEDED_PARAMETERS } from '../factories/legal.js';

const compute = (...args: Parameters<typeof internship>) => computeInternship(internship(...args));
const months = (r: EngineResult) => r.stipend.monthly.map((m) => [m.month, m.hours, m.minimum]);
const codes = (r: EngineResult) => r.checks.map((c) => c.code);

describe('the issue example: 2 Feb – 31 Jul 2026, 7 h Monday to Friday, France, signed 15 Jan 2026', () => {
  // Weekdays: Feb 2–27 = 20; March (1st a Sunday) 22; April (1st a Wednesday) 22 − Easter Monday 6 Apr
  // = 21; May (1st a Friday) 21 − 1, 8, 14, 25 May = 17; June (1st a Monday) 22; July (1st a
  // Wednesday) 23 − 14 Jul = 22. 20 + 22 + 21 + 17 + 22 + 22 = 124 days × 7 h = 868 h.
  // 124 days = 5 × 22 + 14. 868 h > 308 h: due from the first day at 4.50 € (signed in 2026).
  const r = compute('2026-02-02', '2026-07-31', { signedOn: '2026-01-15' });

  it('counts 868 hours, 124 days, 5 months and 14 days', () => {
    expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([868, 124, 5, 14]);
  });

  it('owes 4.50 € an hour, month by month: 140 h in February → 630.00 €, 3906.00 € in all', () => {
    expect(r.stipend).toMatchObject({ due: true, reason: 'over_threshold', hourlyMinimum: 4.5, currency: 'EUR', thresholdHours: 308, hoursWithHost: 868, total: 3906 });
    // 140 × 4.5 = 630; 154 × 4.5 = 693; 147 × 4.5 = 661.5; 119 × 4.5 = 535.5.
    expect(months(r)).toEqual([
      ['2026-02', 140, 630],
      ['2026-03', 154, 693],
      ['2026-04', 147, 661.5],
      ['2026-05', 119, 535.5],
      ['2026-06', 154, 693],
      ['2026-07', 154, 693],
    ]);
  });

  it('asks the agreement to state leave (868 h > 308 h) and finds nothing else', () => {
    expect(r.checks).toEqual([{ code: 'leave_required', severity: 'warning', params: { hours: 868, threshold: 308 } }]);
  });
});

describe('worked cases', () => {
  it('35 h a week over two months crossing Easter Monday: 301 h, under the threshold', () => {
    // 2 Mar – 30 Apr 2026. March: Mon 2 – Tue 31 = 4 full weeks + 30, 31 = 22 days. April: 1–3,
    // then 4 weeks (6–10 … 27–30 is 4 days) = 3 + 5 + 5 + 5 + 4 = 22, − Easter Monday 6 Apr = 21.
    // 43 days × 7 = 301 h ≤ 308: no stipend although the span is two months; 43 = 1 × 22 + 21.
    const r = compute('2026-03-02', '2026-04-30');
    expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([301, 43, 1, 21]);
    expect(r.stipend).toMatchObject({ due: false, reason: 'under_threshold', hourlyMinimum: 4.5, total: 0 });
    expect(months(r)).toEqual([['2026-03', 154, 0], ['2026-04', 147, 0]]);
    expect(r.checks).toEqual([]); // 35 h is the warning level, not over it
  });

  it('a 4-day week of 8.75 h (35 h): only Mondays to Thursdays count, each month rounded on its own', () => {
    // 1 Jun – 31 Aug 2026, signed 15 May 2026 (4.50 €). June (1st a Monday): 4 weeks × 4 + Mon 29,
    // Tue 30 = 18 days. July (1st a Wednesday): Wed 1, Thu 2 + 4 weeks × 4 = 18, − Tue 14 Jul = 17.
    // August (1st a Saturday): 4 weeks × 4 (3–6 … 24–27) + Mon 31 = 17; 15 Aug is a Saturday.
    // Hours: 18 × 8.75 = 157.5; 17 × 8.75 = 148.75 twice; 455 h = 65 days (455 / 7) = 2 months 21 days.
    // Minimums: 157.5 × 4.5 = 708.75; 148.75 × 4.5 = 669.375 → 669.38 (half up), twice.
    // Total 708.75 + 669.38 + 669.38 = 2047.51 — the sum of the months, not 455 × 4.5 = 2047.50.
    const r = compute('2026-06-01', '2026-08-31', { signedOn: '2026-05-15', schedule: schedule({ mon: 8.75, tue: 8.75, wed: 8.75, thu: 8.75 }) });
    expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([455, 65, 2, 21]);
    expect(months(r)).toEqual([['2026-06', 157.5, 708.75], ['2026-07', 148.75, 669.38], ['2026-08', 148.75, 669.38]]);
    expect(r.stipend.total).toBe(2047.51);
    expect(codes(r)).toEqual(['leave_required']);
  });

  it('80 % part time (5.6 h a day) over the issue example: 694.4 h, 99 days', () => {
    // Same 124 working days: 124 × 5.6 = 694.4 h; 694.4 / 7 = 99.2 → 99 days = 4 × 22 + 11.
    // Months: 20, 22, 21, 17, 22, 22 days × 5.6 = 112, 123.2, 117.6, 95.2, 123.2, 123.2 h;
    // × 4.50 = 504, 554.4, 529.2, 428.4, 554.4, 554.4 → 3124.80 € (= 694.4 × 4.5, no rounding here).
    const r = compute('2026-02-02', '2026-07-31', { signedOn: '2026-01-15', schedule: fullTime(5.6) });
    expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([694.4, 99, 4, 11]);
    expect(months(r).map(([, h, m]) => [h, m])).toEqual([[112, 504], [123.2, 554.4], [117.6, 529.2], [95.2, 428.4], [123.2, 554.4], [123.2, 554.4]]);
    expect(r.stipend.total).toBe(3124.8);
  });

  it('an interruption of a week removes its 5 working days, however the ranges are written', () => {
    // The issue example, interrupted Mon 2 – Sun 8 Mar 2026: 5 working days, 35 h, out of March.
    // 868 − 35 = 833 h = 119 days = 5 × 22 + 9; March 154 − 35 = 119 h → 535.50 €;
    // total 3906 − 35 × 4.5 = 3748.50 €.
    const one = compute('2026-02-02', '2026-07-31', { signedOn: '2026-01-15', interruptions: [pause('2026-03-02', '2026-03-08')] });
    expect([one.presenceHours, one.days, one.months, one.remainingDays]).toEqual([833, 119, 5, 9]);
    expect(one.stipend.monthly[1]).toEqual({ month: '2026-03', hours: 119, minimum: 535.5 });
    expect(one.stipend.total).toBe(3748.5);
    // The same week as two overlapping ranges, plus a weekend already not worked: the same result.
    const overlapping = compute('2026-02-02', '2026-07-31', {
      signedOn: '2026-01-15',
      interruptions: [pause('2026-03-05', '2026-03-08'), pause('2026-03-02', '2026-03-06'), pause('2026-03-07', '2026-03-08')],
    });
    expect(overlapping).toEqual(one);
    // A range going past the last day only removes the days inside: 27–31 Jul = 5 days.
    const past = compute('2026-02-02', '2026-07-31', { signedOn: '2026-01-15', interruptions: [pause('2026-07-27', '2026-09-30')] });
    expect(past.presenceHours).toBe(868 - 35);
  });

  it('a French company in Germany: French rules, German holidays (3 Oct off, 14 Jul and 15 Aug worked)', () => {
    // 1 Jul – 31 Oct 2025, signed 15 Jun 2025 (4.35 €). German national holidays in the span: only
    // Fri 3 Oct (Tag der Deutschen Einheit); Mon 14 Jul and Fri 15 Aug are French ones, worked here.
    // July (1st a Tuesday) 23 days; August (1st a Friday) 21; September (1st a Monday) 22; October
    // (1st a Wednesday) 23 − 3 Oct = 22. 88 days × 7 = 616 h = exactly 4 months of 22 days.
    // 161 × 4.35 = 700.35; 147 × 4.35 = 639.45; 154 × 4.35 = 669.90 twice → 2679.60 €.
    expect(publicHolidays('DE', 2025).has('2025-10-03')).toBe(true);
    expect(publicHolidays('DE', 2025).has('2025-07-14')).toBe(false);
    const r = compute('2025-07-01', '2025-10-31', { signedOn: '2025-06-15', rulesCountry: 'FR', holidaysCountry: 'DE' });
    expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([616, 88, 4, 0]);
    expect(months(r)).toEqual([['2025-07', 161, 700.35], ['2025-08', 147, 639.45], ['2025-09', 154, 669.9], ['2025-10', 154, 669.9]]);
    expect(r.stipend).toMatchObject({ due: true, hourlyMinimum: 4.35, currency: 'EUR', total: 2679.6 });
    // In France the same days give 22 + 20 + 22 + 23 = 87 days (14 Jul and 15 Aug off, 3 Oct worked).
    expect(compute('2025-07-01', '2025-10-31', { signedOn: '2025-06-15' }).presenceHours).toBe(609);
    // A German company: German rules, and the table has none — no statutory stipend, a warning.
    const german = compute('2025-07-01', '2025-10-31', { signedOn: '2025-06-15', rulesCountry: 'DE', holidaysCountry: 'DE' });
    expect(german.stipend).toMatchObject({ due: false, reason: 'no_rules', hourlyMinimum: null, total: 0 });
    expect(german.checks).toEqual([{ code: 'no_rules', severity: 'warning', params: { country: 'DE' } }]);
  });

  describe('crossing 1 January: the rate is the one in force on the signature date, for every month', () => {
    // 1 Dec 2025 – 27 Feb 2026. December (1st a Monday) 23 days − Thu 25 Dec = 22 (26 Dec is not a
    // national French holiday); January (1st a Thursday) 22 − 1 Jan = 21; February 2–27 = 20.
    // 63 days × 7 = 441 h = 2 months 19 days. Each calendar year's holidays apply to its days.
    const hours = [['2025-12', 154], ['2026-01', 147], ['2026-02', 140]];

    it('signed on 31 Dec 2025: 4.35 € for all months, January and February included', () => {
      // 154 × 4.35 = 669.90; 147 × 4.35 = 639.45; 140 × 4.35 = 609.00 → 1918.35 €.
      const r = compute('2025-12-01', '2026-02-27', { signedOn: '2025-12-31' });
      expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([441, 63, 2, 19]);
      expect(months(r)).toEqual([[...hours[0], 669.9], [...hours[1], 639.45], [...hours[2], 609]]);
      expect(r.stipend).toMatchObject({ hourlyMinimum: 4.35, total: 1918.35 });
    });

    it('signed on 1 Jan 2026, the first day of the new rate: 4.50 € for all months, December included', () => {
      // 154 × 4.5 = 693; 147 × 4.5 = 661.50; 140 × 4.5 = 630 → 1984.50 €. (An agreement signed
      // after the first day is late, but the law takes its signature date.)
      const r = compute('2025-12-01', '2026-02-27', { signedOn: '2026-01-01' });
      expect(months(r)).toEqual([[...hours[0], 693], [...hours[1], 661.5], [...hours[2], 630]]);
      expect(r.stipend).toMatchObject({ hourlyMinimum: 4.5, total: 1984.5 });
    });
  });

  describe('the 308-hour threshold (due from the 309th hour)', () => {
    // Mon 1 Sep – Thu 30 Oct 2025: September (1st a Monday) 22 days, October 1–30 = 3 + 15 + 4 = 22
    // days, no holiday: 44 days × 7 = 308 h exactly = 2 months 0 days. Signed on the first day: 4.35 €.
    it('exactly 308 hours: not due, and no leave to state', () => {
      const r = compute('2025-09-01', '2025-10-30');
      expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([308, 44, 2, 0]);
      expect(r.stipend).toMatchObject({ due: false, reason: 'under_threshold', hoursWithHost: 308, hourlyMinimum: 4.35, total: 0 });
      expect(r.checks).toEqual([]);
    });

    it('309 hours with the host (1 earlier hour): due from the first day, for all 308 hours of this one', () => {
      // 154 × 4.35 = 669.90 twice → 1339.80 €.
      const r = compute('2025-09-01', '2025-10-30', { previousHours: 1 });
      expect(r.stipend).toMatchObject({ due: true, reason: 'over_threshold', hoursWithHost: 309, total: 1339.8 });
      expect(months(r)).toEqual([['2025-09', 154, 669.9], ['2025-10', 154, 669.9]]);
      expect(codes(r)).toEqual([]); // leave is about this internship's 308 h: not over
    });

    it('a hundredth over is over', () => {
      expect(compute('2025-09-01', '2025-10-30', { previousHours: 0.01 }).stipend.due).toBe(true);
    });

    it('earlier hours push a one-month internship over 308', () => {
      // September 2025 alone: 22 × 7 = 154 h. With 200 earlier hours: 354 > 308, due: 669.90 €.
      expect(compute('2025-09-01', '2025-09-30').stipend).toMatchObject({ due: false, total: 0 });
      const r = compute('2025-09-01', '2025-09-30', { previousHours: 200 });
      expect(r.stipend).toMatchObject({ due: true, hoursWithHost: 354, total: 669.9 });
    });
  });

  describe('the 924-hour cap with one host in a teaching year', () => {
    // The issue example: 868 h. 868 + 56 = 924, the cap itself; 868 + 57 = 925, over it.
    it('924 hours in all is allowed', () => {
      expect(codes(compute('2026-02-02', '2026-07-31', { signedOn: '2026-01-15', previousHours: 56 }))).not.toContain('host_year_cap');
    });
    it('925 hours in all is refused', () => {
      const r = compute('2026-02-02', '2026-07-31', { signedOn: '2026-01-15', previousHours: 57 });
      expect(r.checks).toContainEqual({ code: 'host_year_cap', severity: 'blocking', params: { hours: 925, max: 924 } });
    });
  });

  it('7.5-hour days, and a month whose minimum ends in half a cent is rounded up', () => {
    // 1 Sep – 31 Oct 2025, 7.5 h Monday to Friday (37.5 h a week: over 35, flagged), signed 1 Sep
    // 2025 (4.35 €). September 22 days × 7.5 = 165 h → 717.75 €; October (1st a Wednesday) 23 days,
    // no holiday: 172.5 h × 4.35 = 750.375 → 750.38 € (floating point would give 750.37).
    // 337.5 h = 48 days (336 h) = 2 months 4 days. Total 717.75 + 750.38 = 1468.13 €.
    const r = compute('2025-09-01', '2025-10-31', { schedule: fullTime(7.5) });
    expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([337.5, 48, 2, 4]);
    expect(months(r)).toEqual([['2025-09', 165, 717.75], ['2025-10', 172.5, 750.38]]);
    expect(r.stipend.total).toBe(1468.13);
    expect(r.checks).toEqual([
      { code: 'weekly_hours_warning', severity: 'warning', params: { hours: 37.5, threshold: 35 } },
      { code: 'leave_required', severity: 'warning', params: { hours: 337.5, threshold: 308 } },
    ]);
  });

  it('Belgium: no statutory stipend (hourlyMinimum null), Belgian holidays, no maximum', () => {
    // 2 Feb – 31 Jul 2026 with Belgian holidays: 130 weekdays − 6 Apr, 1 May, 14 May, 25 May and
    // Tue 21 Jul (national day) = 125 days (8 May and 14 Jul are worked) = 875 h = 5 months 15 days.
    const seven = compute('2026-02-02', '2026-07-31', { signedOn: '2026-01-15', rulesCountry: 'BE', holidaysCountry: 'BE' });
    expect([seven.presenceHours, seven.days, seven.months, seven.remainingDays]).toEqual([875, 125, 5, 15]);
    expect(seven.stipend).toMatchObject({ due: false, reason: 'not_compulsory', hourlyMinimum: null, currency: null, thresholdHours: null, total: 0 });
    expect(seven.stipend.monthly.every((m) => m.minimum === 0)).toBe(true);
    const r = compute('2026-02-02', '2026-07-31', { signedOn: '2026-01-15', rulesCountry: 'BE', holidaysCountry: 'BE', schedule: fullTime(9.8) });
    // 9.8 h a day, 49 h a week: 125 × 9.8 = 1225 h = 175 days = 7 × 22 + 21; no Belgian row caps
    // the day, the week or the host's hours, nor asks for leave.
    expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([1225, 175, 7, 21]);
    expect(r.checks).toEqual([]);
  });

  describe('Tunisia: from 4 weeks to 6 months of calendar span', () => {
    // 4 weeks from Mon 2 Mar 2026 end on Sun 29 Mar (2 Mar + 27 days).
    it('ending on the 28th day is too short, on the 29th it is not', () => {
      const short = compute('2026-03-02', '2026-03-28', { rulesCountry: 'TN', holidaysCountry: 'TN' });
      expect(short.checks).toContainEqual({ code: 'duration_too_short', severity: 'blocking', params: { min: 4, earliestEnd: '2026-03-29' } });
      expect(codes(compute('2026-03-02', '2026-03-29', { rulesCountry: 'TN', holidaysCountry: 'TN' }))).toEqual([]);
      expect(short.stipend).toMatchObject({ due: false, reason: 'not_compulsory', hourlyMinimum: null });
    });
    // 6 months from Mon 2 Feb 2026 end on Sat 1 Aug 2026 (the day before 2 Aug).
    it('ending on 1 Aug 2026 is allowed, on 2 Aug it is too long', () => {
      expect(codes(compute('2026-02-02', '2026-08-01', { rulesCountry: 'TN', holidaysCountry: 'TN' }))).toEqual([]);
      const long = compute('2026-02-02', '2026-08-02', { rulesCountry: 'TN', holidaysCountry: 'TN' });
      expect(long.checks).toEqual([{ code: 'duration_too_long', severity: 'blocking', params: { max: 6, latestEnd: '2026-08-01' } }]);
    });
    it('a span from the 31st ends on the last day of a shorter month', () => {
      // 31 Aug 2026 + 6 months: there is no 31 Feb, so the span ends on 28 Feb 2027.
      expect(codes(compute('2026-08-31', '2027-02-28', { rulesCountry: 'TN', holidaysCountry: 'TN' }))).toEqual([]);
      expect(compute('2026-08-31', '2027-03-01', { rulesCountry: 'TN', holidaysCountry: 'TN' }).checks[0].params.latestEnd).toBe('2027-02-28');
    });
  });

  it('an unknown country: the default rows (7 h, 22 days), no stipend, a no_rules warning', () => {
    const r = compute('2026-02-02', '2026-07-31', { signedOn: '2026-01-15', rulesCountry: 'xx', holidaysCountry: 'FR' });
    expect([r.presenceHours, r.days, r.months, r.remainingDays]).toEqual([868, 124, 5, 14]);
    expect(r.stipend).toMatchObject({ due: false, reason: 'no_rules', hourlyMinimum: null, thresholdHours: null, currency: null, total: 0 });
    expect(r.checks).toEqual([{ code: 'no_rules', severity: 'warning', params: { country: 'XX' } }]);
  });
});

describe('checks on the schedule (France: 10 h a day, 48 h a week blocking, over 35 h flagged)', () => {
  const week = (days: Parameters<typeof schedule>[0]) => compute('2026-09-07', '2026-09-11', { schedule: schedule(days) }).checks;

  it('10 h on a day is allowed, 10.5 h is not (each such day is named)', () => {
    expect(week({ mon: 10, tue: 10, wed: 10 })).toEqual([]);
    expect(week({ mon: 10.5, tue: 7, sat: 11 })).toEqual([
      { code: 'daily_hours_cap', severity: 'blocking', params: { day: 'mon', hours: 10.5, max: 10 } },
      { code: 'daily_hours_cap', severity: 'blocking', params: { day: 'sat', hours: 11, max: 10 } },
    ]);
  });

  it('48 h a week is allowed but flagged; 48.5 h is refused (and not flagged again)', () => {
    expect(week({ mon: 9.6, tue: 9.6, wed: 9.6, thu: 9.6, fri: 9.6 })).toEqual([{ code: 'weekly_hours_warning', severity: 'warning', params: { hours: 48, threshold: 35 } }]);
    expect(week({ mon: 9.7, tue: 9.7, wed: 9.7, thu: 9.7, fri: 9.7 })).toEqual([{ code: 'weekly_hours_cap', severity: 'blocking', params: { hours: 48.5, max: 48 } }]);
  });

  it('35 h is not flagged, 35.25 h is; weekend hours count in the week', () => {
    expect(week({ mon: 7, tue: 7, wed: 7, thu: 7, fri: 7 })).toEqual([]);
    expect(week({ mon: 7, tue: 7, wed: 7, thu: 7, fri: 7, sun: 0.25 })).toEqual([{ code: 'weekly_hours_warning', severity: 'warning', params: { hours: 35.25, threshold: 35 } }]);
  });
});

describe('other checks', () => {
  it('no hours at all (only a holiday and a weekend) is refused', () => {
    // Fri 1 May 2026 (Labour Day), Sat 2, Sun 3: no presence; the month is still listed.
    const r = compute('2026-05-01', '2026-05-03');
    expect(r.presenceHours).toBe(0);
    expect(r.checks).toEqual([{ code: 'no_presence', severity: 'blocking', params: {} }]);
    expect(r.stipend.monthly).toEqual([{ month: '2026-05', hours: 0, minimum: 0 }]);
  });

  it('a stipend due with no rate in force at the signature date is refused, naming the first rate', () => {
    // Signed in 2022: the first seeded rate applies from 2023-01-01.
    const r = compute('2026-02-02', '2026-07-31', { signedOn: '2022-06-01' });
    expect(r.stipend).toMatchObject({ due: true, hourlyMinimum: null, currency: null, total: 0 });
    expect(r.checks).toContainEqual({ code: 'rate_not_in_force', severity: 'blocking', params: { key: 'stipend.hourly_minimum', validFrom: '2023-01-01' } });
    // Under the threshold, no rate is needed.
    expect(codes(compute('2025-09-01', '2025-09-30', { signedOn: '2022-06-01' }))).toEqual([]);
  });

  it('Morocco made compulsory by the administrator: its threshold, its rate in MAD, from its date', () => {
    const parameters = [
      ...SEEDED_PARAMETERS,
      parameterRow('MA', 'stipend.compulsory', 1, '2026-01-01'),
      parameterRow('MA', 'stipend.threshold_hours', 100, '2026-01-01'),
      parameterRow('MA', 'stipend.hourly_minimum', 15.5, '2026-01-01', 'MAD'),
    ];
    const over = { rulesCountry: 'MA', holidaysCountry: 'FR', parameters };
    // September 2026 in France: Tue 1 – Wed 30, 22 days, 154 h > 100; 154 × 15.5 = 2387 MAD.
    const r = compute('2026-09-01', '2026-09-30', { ...over, signedOn: '2026-06-01' });
    expect(r.stipend).toMatchObject({ due: true, thresholdHours: 100, hourlyMinimum: 15.5, currency: 'MAD', total: 2387 });
    // Signed in 2025 the 2000 row (not compulsory) is in force.
    expect(compute('2026-09-01', '2026-09-30', { ...over, signedOn: '2025-12-31' }).stipend).toMatchObject({ due: false, reason: 'not_compulsory', hourlyMinimum: null });
    // Compulsory without any rate row: refused, no date to name.
    const noRate = parameters.filter((p) => p.key !== 'stipend.hourly_minimum' || p.country !== 'MA');
    expect(compute('2026-09-01', '2026-09-30', { ...over, parameters: noRate, signedOn: '2026-06-01' }).checks).toContainEqual({
      code: 'rate_not_in_force',
      severity: 'blocking',
      params: { key: 'stipend.hourly_minimum', validFrom: '' },
    });
  });
});

describe('the dated rules', () => {
  it('take, per key, the latest row in force on the day, from its first day on', () => {
    expect(valueOf(rulesAt(SEEDED_PARAMETERS, 'FR', day('2023-12-31')), 'stipend.hourly_minimum')).toBe(4.05);
    expect(valueOf(rulesAt(SEEDED_PARAMETERS, 'FR', day('2024-01-01')), 'stipend.hourly_minimum')).toBe(4.35);
    expect(valueOf(rulesAt(SEEDED_PARAMETERS, 'FR', day('2025-12-31')), 'stipend.hourly_minimum')).toBe(4.35);
    expect(valueOf(rulesAt(SEEDED_PARAMETERS, 'fr', day('2026-01-01')), 'stipend.hourly_minimum')).toBe(4.5);
    expect(valueOf(rulesAt(SEEDED_PARAMETERS, 'FR', day('2022-12-31')), 'stipend.hourly_minimum')).toBeNull();
  });

  it("fall back to the '*' row for a key the country has none of", () => {
    const tn = rulesAt(SEEDED_PARAMETERS, 'TN', day('2026-01-01'));
    expect([valueOf(tn, 'duration.hours_per_day'), valueOf(tn, 'duration.days_per_month'), valueOf(tn, 'duration.min_weeks')]).toEqual([7, 22, 4]);
    expect(valueOf(tn, 'schedule.max_weekly_hours')).toBeNull();
    const withOwn = [...SEEDED_PARAMETERS, parameterRow('TN', 'duration.hours_per_day', 8, '2026-01-01')];
    expect(valueOf(rulesAt(withOwn, 'TN', day('2026-01-01')), 'duration.hours_per_day')).toBe(8);
    expect(valueOf(rulesAt(withOwn, 'TN', day('2025-12-31')), 'duration.hours_per_day')).toBe(7);
  });

  it('name the first date of a key', () => {
    expect(firstValidFrom(SEEDED_PARAMETERS, 'FR', 'stipend.hourly_minimum')).toBe('2023-01-01');
    expect(firstValidFrom(SEEDED_PARAMETERS, 'BE', 'duration.hours_per_day')).toBe('2000-01-01');
    expect(firstValidFrom(SEEDED_PARAMETERS, 'BE', 'stipend.hourly_minimum')).toBe('');
  });
});
