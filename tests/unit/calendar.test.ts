import { describe, expect, it } from 'vitest';
import { addWorkingDays, CalendarDate, dayOf, zoneParts, isPublicHoliday, isWorkingDay, publicHolidays, startOf, todayIn, workingDaysBetween } from '../../src/time/calendar.js';
import { FixedClock } from '../../src/time/clock.js';

const day = (s: string) => CalendarDate.parse(s)!;

describe('calendar dates', () => {
  it('parse only real days and print them back', () => {
    expect(day('2026-02-28').toString()).toBe('2026-02-28');
    expect(CalendarDate.parse('2026-02-29')).toBeNull();
    expect(CalendarDate.parse('2028-02-29')?.toString()).toBe('2028-02-29');
    expect(CalendarDate.parse('2026-13-01')).toBeNull();
    expect(CalendarDate.parse('1/2/2026')).toBeNull();
  });

  it('add months on the same day, or the last of a shorter month', () => {
    expect(day('2026-01-31').addMonths(1).toString()).toBe('2026-02-28');
    expect(day('2028-01-31').addMonths(1).toString()).toBe('2028-02-29');
    expect(day('2026-11-15').addMonths(3).toString()).toBe('2027-02-15');
    expect(day('2026-03-31').addMonths(-1).toString()).toBe('2026-02-28');
    expect(day('2026-07-01').addMonths(12).toString()).toBe('2027-07-01');
  });

  it('compare, count days and give ISO weekdays', () => {
    expect(day('2026-07-01').daysUntil(day('2026-07-31'))).toBe(30);
    expect(day('2026-03-28').addDays(2).toString()).toBe('2026-03-30'); // across the change to summer time
    expect(day('2026-07-01').isBefore(day('2026-07-02'))).toBe(true);
    expect(day('2026-07-02').isAfter(day('2026-07-01'))).toBe(true);
    expect(day('2026-07-01').equals(day('2026-07-01'))).toBe(true);
    expect(day('2026-11-30').weekday()).toBe(1); // a Monday
    expect(day('2026-12-06').weekday()).toBe(7); // a Sunday
  });

  it('round-trip through the database representation (UTC midnight)', () => {
    expect(day('2026-07-01').toDb().toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(CalendarDate.fromDb(new Date('2026-07-01T00:00:00.000Z')).toString()).toBe('2026-07-01');
  });
});

describe('today in Paris', () => {
  it('is the Paris day of the clock, not the UTC one, on both sides of midnight', () => {
    // Summer: Paris is UTC+2. 21:59 UTC is 23:59 in Paris; 22:00 UTC is already the next day.
    expect(todayIn(new FixedClock('2026-07-01T21:59:59Z').now()).toString()).toBe('2026-07-01');
    expect(todayIn(new FixedClock('2026-07-01T22:00:00Z').now()).toString()).toBe('2026-07-02');
    // Winter: UTC+1.
    expect(todayIn(new Date('2026-12-31T22:59:59Z')).toString()).toBe('2026-12-31');
    expect(todayIn(new Date('2026-12-31T23:00:00Z')).toString()).toBe('2027-01-01');
    expect(dayOf(new Date('2026-12-31T23:00:00Z'), 'UTC').toString()).toBe('2026-12-31');
  });

  it('gives the instant a Paris day begins, summer and winter', () => {
    expect(startOf(day('2026-07-02')).toISOString()).toBe('2026-07-01T22:00:00.000Z');
    expect(startOf(day('2026-01-01')).toISOString()).toBe('2025-12-31T23:00:00.000Z');
    // The days of the changes of time.
    expect(startOf(day('2026-03-29')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOf(day('2026-10-25')).toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });
});

describe('days of instants around the clock changes and their wall-clock reading (the offset is kept per quarter hour)', () => {
  // The reference: what Intl itself says the day is, instant by instant.
  const reference = (t: number, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(t));
  const reading = (t: number, zone: string) => {
    const p = zoneParts(new Date(t), zone);
    const two = (n: number) => String(n).padStart(2, '0');
    return `${p.year}-${two(p.month)}-${two(p.day)}, ${two(p.hour)}:${two(p.minute)}`;
  };
  it.each([
    ['Europe/Paris', '2026-03-28T20:00:00Z', '2026-03-29T04:00:00Z'], // to summer time, 01:00 UTC
    ['Europe/Paris', '2026-10-24T20:00:00Z', '2026-10-25T04:00:00Z'], // to winter time
    ['America/St_Johns', '2026-03-07T22:00:00Z', '2026-03-08T08:00:00Z'], // a half-hour zone
  ])('%s from %s to %s, every 7 minutes, going forth and back', (zone, from, to) => {
    const start = Date.parse(from);
    const end = Date.parse(to);
    for (let t = start; t <= end; t += 7 * 60_000) expect(reading(t, zone)).toBe(reference(t, zone));
    for (let t = end; t >= start; t -= 11 * 60_000 + 1) expect(reading(t, zone)).toBe(reference(t, zone));
    // Both sides of Paris midnight, in winter and in summer: the day changes at the local midnight.
    expect(dayOf(new Date('2026-01-15T22:59:59.999Z')).toString()).toBe('2026-01-15');
    expect(dayOf(new Date('2026-01-15T23:00:00Z')).toString()).toBe('2026-01-16');
    expect(dayOf(new Date('2026-07-15T21:59:59.999Z')).toString()).toBe('2026-07-15');
    expect(dayOf(new Date('2026-07-15T22:00:00Z')).toString()).toBe('2026-07-16');
  });
});

describe('public holidays and working days', () => {
  it('lists the 11 French public holidays of the national calendar', () => {
    const fr = [...publicHolidays('FR', 2026)].sort();
    expect(fr).toEqual(['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25']);
  });

  it('takes the calendar of the country asked (Germany has no 14 July, has 3 October)', () => {
    expect(isPublicHoliday(day('2026-07-14'), 'FR')).toBe(true);
    expect(isPublicHoliday(day('2026-07-14'), 'DE')).toBe(false);
    expect(isPublicHoliday(day('2026-10-03'), 'DE')).toBe(true);
    expect(isPublicHoliday(day('2026-07-21'), 'BE')).toBe(true);
  });

  it('skips week-ends and holidays when counting working days', () => {
    expect(isWorkingDay(day('2026-05-08'), 'FR')).toBe(false); // a Friday, Victory in Europe Day
    expect(isWorkingDay(day('2026-05-09'), 'FR')).toBe(false); // a Saturday
    expect(isWorkingDay(day('2026-05-11'), 'FR')).toBe(true);
    // Thursday 7 May + 1 working day: Friday 8 is a holiday, then the week-end.
    expect(addWorkingDays(day('2026-05-07'), 1, 'FR').toString()).toBe('2026-05-11');
    expect(addWorkingDays(day('2026-05-07'), 1, 'DE').toString()).toBe('2026-05-08');
    // May 2026 in France: 21 weekdays minus 1, 8, 14 and 25 May.
    expect(workingDaysBetween(day('2026-05-01'), day('2026-05-31'), 'FR')).toBe(17);
  });
});
