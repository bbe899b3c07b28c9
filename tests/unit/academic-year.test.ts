import { describe, expect, it } from 'vitest';
import { defaultAcademicYearOf, instantsOf, parseAcademicYearLabel } from '../../src/time/academic-year.js';
import { CalendarDate } from '../../src/time/calendar.js';

const day = (iso: string) => CalendarDate.parse(iso)!;

describe('academic years', () => {
  it('run from 1 September to 31 August by default', () => {
    expect(defaultAcademicYearOf(day('2026-08-31'))).toMatchObject({ label: '2025-2026' });
    const y = defaultAcademicYearOf(day('2026-09-01'));
    expect(y.label).toBe('2026-2027');
    expect(y.start.toString()).toBe('2026-09-01');
    expect(y.end.toString()).toBe('2027-08-31');
    expect(defaultAcademicYearOf(day('2027-01-15')).label).toBe('2026-2027');
  });

  it('are named by two following years only', () => {
    expect(parseAcademicYearLabel('2026-2027')?.start.toString()).toBe('2026-09-01');
    expect(parseAcademicYearLabel('2026-2028')).toBeNull();
    expect(parseAcademicYearLabel('2026')).toBeNull();
    expect(parseAcademicYearLabel(null)).toBeNull();
  });

  it('cover Paris days: from midnight in Paris on their first day to midnight after their last', () => {
    const { gte, lt } = instantsOf(parseAcademicYearLabel('2026-2027')!);
    expect(gte.toISOString()).toBe('2026-08-31T22:00:00.000Z'); // summer time
    expect(lt.toISOString()).toBe('2027-08-31T22:00:00.000Z');
  });
});
