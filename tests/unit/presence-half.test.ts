import { describe, expect, it } from 'vitest';
import { halfPresenceDay } from '../../src/legal/presence.js';
import { day, fullTime } from '../factories/legal.js';

describe('the day half of the presence hours is reached (the mid-term report opens)', () => {
  const base = { schedule: fullTime(7), interruptions: [], holidaysCountry: 'FR' };

  it('is the tenth working day of twenty', () => {
    // 2–27 March 2026: 20 weekdays of 7 h = 140 h; 70 h are reached on Friday 13 March.
    expect(halfPresenceDay({ ...base, start: day('2026-03-02'), end: day('2026-03-27') })?.toString()).toBe('2026-03-13');
    // One day later, one more day: the 11th of 21 (73.5 h reached on day 11, Monday 16 March).
    expect(halfPresenceDay({ ...base, start: day('2026-03-02'), end: day('2026-03-30') })?.toString()).toBe('2026-03-16');
  });

  it('skips interruptions and public holidays', () => {
    // The week of 9 March interrupted: 15 days, 105 h; 52.5 h on the 8th day, Wednesday 18 March.
    expect(halfPresenceDay({ ...base, start: day('2026-03-02'), end: day('2026-03-27'), interruptions: [{ from: day('2026-03-09'), to: day('2026-03-13') }] })?.toString()).toBe('2026-03-18');
    // 1 May, 8 May and Ascension (14 May) are French public holidays: 27 April – 15 May has 12 days, 84 h; 42 h on day 6, Tuesday 5 May.
    expect(halfPresenceDay({ ...base, start: day('2026-04-27'), end: day('2026-05-15') })?.toString()).toBe('2026-05-05');
    // In Germany 8 May is worked (1 May and Ascension are holidays there too): 13 days, 91 h; 45.5 h on day 7, Wednesday 6 May.
    expect(halfPresenceDay({ ...base, start: day('2026-04-27'), end: day('2026-05-15'), holidaysCountry: 'DE' })?.toString()).toBe('2026-05-06');
  });

  it('is none without presence', () => {
    expect(halfPresenceDay({ ...base, schedule: fullTime(0), start: day('2026-03-02'), end: day('2026-03-27') })).toBeNull();
  });
});
